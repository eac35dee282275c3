/**
 * Content-Transfer-Encoding of CPIM content and multipart parts (RFC 2045 §6).
 * SIP is 8-bit clean (RFC 3261 §7.4; RFC 5621 §3.1), so identity is the norm;
 * base64 and quoted-printable are decoded because MIME libraries emit them.
 */
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";
import { ACCEPTED_TYPES } from "./accepted-types.js";

/** `decodeTransferEncoding("base64", bytes("aGk="))` → bytes("hi"). Unknown encodings → 415. */
export function decodeTransferEncoding(cte: string | undefined, body: Uint8Array): Result<Uint8Array, Failure> {
  const enc = (cte ?? "binary").trim().toLowerCase();
  if (enc === "7bit" || enc === "8bit" || enc === "binary") return ok(body);
  const text = Buffer.from(body).toString("latin1");
  if (enc === "base64") {
    const compact = text.replace(/[\r\n\t ]+/g, "");
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact) || compact.length % 4 === 1) return failure("invalid-encoding", "bad base64 content");
    return ok(new Uint8Array(Buffer.from(compact, "base64")));
  }
  if (enc === "quoted-printable") return quotedPrintable(text);
  return failure("unsupported-media-type", "unsupported Content-Transfer-Encoding", { accept: ACCEPTED_TYPES });
}

/** RFC 2045 §6.7: `=XX` octets, `=` at line end is a soft break; trailing blanks on a line are padding. */
function quotedPrintable(text: string): Result<Uint8Array, Failure> {
  const out: number[] = [];
  const lines = text.split(/\r?\n/);
  for (let li = 0; li < lines.length; li++) {
    const line = lines[li]!.replace(/[ \t]+$/, "");
    const soft = line.endsWith("="); // an `=XX` escape never ends in "="
    const content = soft ? line.slice(0, -1) : line;
    for (let i = 0; i < content.length; i++) {
      const c = content.charCodeAt(i);
      if (c !== 0x3d) {
        out.push(c & 0xff);
        continue;
      }
      const hex = content.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return failure("invalid-encoding", "bad quoted-printable content");
      out.push(parseInt(hex, 16));
      i += 2;
    }
    if (!soft && li < lines.length - 1) out.push(0x0d, 0x0a);
  }
  return ok(Uint8Array.from(out));
}
