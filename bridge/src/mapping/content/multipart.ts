/**
 * multipart/* body splitting (RFC 2046 §5.1.1). A delimiter is `--boundary`
 * at the start of the body or of a line, optionally followed by blanks; the
 * close delimiter adds `--`. The line break before a delimiter belongs to it.
 * Preamble and epilogue are ignored; a missing close delimiter ends the last
 * part at the end of the body (tolerated). Each part is a header block plus
 * content (mime-headers.ts); a part with no headers starts with an empty line.
 */
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";
import { splitHeaderBlock, type HeaderLine } from "./mime-headers.js";

export interface MimePart {
  readonly headers: readonly HeaderLine[];
  readonly body: Uint8Array;
}

export const MAX_PARTS = 16;
/** RFC 2046 §5.1.1 bchars, 1–70 characters, not ending in a space. */
const BOUNDARY = /^[0-9A-Za-z'()+_,\-./:=? ]{0,69}[0-9A-Za-z'()+_,\-./:=?]$/;

/** `parseMultipart(body, "XyZ")` → the parts between `--XyZ` lines. */
export function parseMultipart(body: Uint8Array, boundary: string): Result<MimePart[], Failure> {
  if (!BOUNDARY.test(boundary)) return failure("sip-malformed", "bad multipart boundary");
  // latin1 maps bytes 1:1 to UTF-16 units, so string indices are byte offsets.
  const s = Buffer.from(body).toString("latin1");
  const dash = `--${boundary}`;
  const parts: MimePart[] = [];
  let partStart = -1;
  let from = 0;
  for (;;) {
    const at = s.indexOf(dash, from);
    if (at < 0) break;
    from = at + dash.length;
    if (at !== 0 && s[at - 1] !== "\n") continue;
    const close = s.startsWith("--", from);
    const lineEnd = s.indexOf("\n", from);
    const tail = s.slice(close ? from + 2 : from, lineEnd < 0 ? s.length : lineEnd);
    if (!/^[ \t]*\r?$/.test(tail)) continue; // boundary text inside content, not a delimiter
    if (partStart >= 0) {
      const end = at >= 2 && s[at - 2] === "\r" ? at - 2 : Math.max(at - 1, partStart);
      const part = parsePart(body.subarray(partStart, end));
      if (!part.ok) return part;
      parts.push(part.value);
      if (parts.length > MAX_PARTS) return failure("sip-malformed", "too many body parts");
    }
    if (close || lineEnd < 0) return parts.length > 0 ? ok(parts) : failure("sip-malformed", "multipart without parts");
    partStart = lineEnd + 1;
    from = partStart;
  }
  if (partStart < 0) return failure("sip-malformed", "multipart delimiter not found");
  const last = parsePart(body.subarray(partStart));
  if (!last.ok) return last;
  parts.push(last.value);
  return parts.length > MAX_PARTS ? failure("sip-malformed", "too many body parts") : ok(parts);
}

function parsePart(bytes: Uint8Array): Result<MimePart, Failure> {
  const block = splitHeaderBlock(bytes, true);
  if (!block.ok) return block;
  return ok({ headers: block.value.headers, body: block.value.rest });
}
