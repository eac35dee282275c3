/**
 * Body bytes → string for text/* parts (RFC 7572 §7; docs/content.md: honour
 * `charset`, 415 if unsupported; never guess).
 *
 * * No charset → UTF-8. RFC 2046 §4.1.2 would say US-ASCII, of which UTF-8 is
 *   a strict superset, and SIP UAs send UTF-8 in practice (RFC 3261 is UTF-8
 *   throughout); invalid UTF-8 is refused, so the wider default cannot produce
 *   mojibake.
 * * Labels go to WHATWG `TextDecoder` (Node with full ICU: iso-8859-*,
 *   windows-125x, koi8-*, shift_jis, euc-*, gb18030, big5, utf-16le/be …) in
 *   fatal mode. Two deliberate exceptions to the WHATWG label table: US-ASCII
 *   labels are decoded strictly (WHATWG maps them to windows-1252), and bare
 *   `utf-16` follows RFC 2781 §4.3 (BOM decides, big-endian without one).
 *   iso-8859-1/latin1 decode as windows-1252, as WHATWG and browsers do
 *   (with a workaround for Node's Latin-1 fast path, windows-1252.ts).
 * * Unknown or unsupported label → `bad-charset` (415, with Accept); bytes that are not
 *   valid in the charset → `invalid-encoding` (400). A leading BOM is dropped.
 */
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";
import { ACCEPTED_TYPES } from "./accepted-types.js";
import { fixWindows1252 } from "./windows-1252.js";

export const DEFAULT_CHARSET = "utf-8";

/** IANA aliases of US-ASCII (RFC 2046 §4.1.2; IANA character-sets registry). */
const US_ASCII = new Set([
  "us-ascii", "ascii", "ansi_x3.4-1968", "ansi_x3.4-1986", "iso-ir-6", "iso_646.irv:1991",
  "iso646-us", "us", "ibm367", "cp367", "csascii",
]);
/** Labels whose byte order comes from the BOM (RFC 2781 §4.3). */
const UTF16_BOM_SNIFFED = new Set(["utf-16", "unicode", "ucs-2", "iso-10646-ucs-2", "csunicode"]);
const MAX_LABEL = 64;

/** `decodeText(bytes, "iso-8859-2")` → ok("…"); `decodeText(bytes, "x-klingon")` → bad-charset. */
export function decodeText(bytes: Uint8Array, charset: string | undefined): Result<string, Failure> {
  const label = (charset ?? DEFAULT_CHARSET).trim().toLowerCase();
  if (label === "" || label.length > MAX_LABEL) return failure("bad-charset", "unsupported charset", { accept: ACCEPTED_TYPES });
  if (US_ASCII.has(label)) {
    if (bytes.some((b) => b > 0x7f)) return failure("invalid-encoding", "body is not valid us-ascii");
    return ok(new TextDecoder("utf-8").decode(bytes));
  }
  let encoding = label;
  let data = bytes;
  if (UTF16_BOM_SNIFFED.has(label)) {
    const le = bytes[0] === 0xff && bytes[1] === 0xfe;
    const be = bytes[0] === 0xfe && bytes[1] === 0xff;
    encoding = le ? "utf-16le" : "utf-16be";
    if (le || be) data = bytes.subarray(2);
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(encoding, { fatal: true });
  } catch {
    return failure("bad-charset", "unsupported charset", { accept: ACCEPTED_TYPES });
  }
  try {
    const text = decoder.decode(data);
    return ok(decoder.encoding === "windows-1252" ? fixWindows1252(text) : text);
  } catch {
    return failure("invalid-encoding", `body is not valid ${decoder.encoding}`);
  }
}
