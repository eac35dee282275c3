/**
 * Header blocks inside bodies: the CPIM message headers (RFC 3862 §3) and
 * MIME entity headers (RFC 2045 §3, RFC 5322 §2.2) of CPIM content and
 * multipart parts. A block is header lines up to an empty line; CRLF or bare
 * LF line ends are accepted. Lines are UTF-8 (RFC 3862 §3.1; a superset of
 * the ASCII MIME expects); control characters other than TAB are refused.
 */
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";

export interface HeaderLine {
  /** As written (CPIM names are case-sensitive; use `mimeHeader()` for MIME). */
  readonly name: string;
  /** Everything after the colon, unfolded, untrimmed. */
  readonly value: string;
}
export interface HeaderBlock {
  readonly headers: readonly HeaderLine[];
  /** The bytes after the empty line. */
  readonly rest: Uint8Array;
}

export const MAX_HEADER_BLOCK = 16 * 1024;
export const MAX_HEADERS = 64;
const NAME = /^[A-Za-z0-9!#$%&'*+\-.^_`|~]+$/;
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * `splitHeaderBlock(bytes("A: 1\r\n\r\nbody"), true)` → headers [{A, " 1"}], rest "body".
 * `folding`: continuation lines (leading SP/HTAB) join the previous header
 * (MIME); CPIM forbids them (RFC 3862 §3.1), so there they are an error.
 * Input ending right after a header line ends the block with an empty rest.
 */
export function splitHeaderBlock(bytes: Uint8Array, folding: boolean): Result<HeaderBlock, Failure> {
  const lines: string[] = [];
  let pos = 0;
  let rest: Uint8Array | undefined;
  while (rest === undefined) {
    if (pos >= bytes.length && lines.length > 0) {
      rest = bytes.subarray(bytes.length);
      break;
    }
    const lf = bytes.indexOf(0x0a, pos);
    if (lf < 0 || lf > MAX_HEADER_BLOCK) return failure("sip-malformed", "body header block not terminated");
    const end = lf > pos && bytes[lf - 1] === 0x0d ? lf - 1 : lf;
    if (end === pos) {
      rest = bytes.subarray(lf + 1);
      break;
    }
    let line: string;
    try {
      line = utf8.decode(bytes.subarray(pos, end));
    } catch {
      return failure("invalid-encoding", "body header line is not UTF-8");
    }
    if (CONTROL.test(line)) return failure("sip-malformed", "control character in a body header");
    lines.push(line);
    pos = lf + 1;
  }

  const headers: { name: string; value: string }[] = [];
  for (const line of lines) {
    const last = headers[headers.length - 1];
    if (line[0] === " " || line[0] === "\t") {
      if (!folding || last === undefined) return failure("sip-malformed", "unexpected continuation line");
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(":");
    const name = line.slice(0, Math.max(colon, 0));
    if (colon <= 0 || !NAME.test(name)) return failure("sip-malformed", "bad body header line");
    headers.push({ name, value: line.slice(colon + 1) });
  }
  if (headers.length > MAX_HEADERS) return failure("sip-malformed", "too many body headers");
  return ok({ headers, rest });
}

/** First MIME header with that name (case-insensitive, RFC 2045 §5), trimmed. */
export function mimeHeader(headers: readonly HeaderLine[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value.trim();
}

/** A single BCP 47-shaped tag (RFC 5646 §2.1, loosely), or undefined; lists are not guessed from. */
export function singleLanguageTag(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v !== undefined && /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8}){0,15}$/.test(v) ? v : undefined;
}
