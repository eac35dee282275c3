/**
 * Percent-encoding (RFC 3986 §2.1, RFC 3261 §25 `escaped`) over UTF-8 octets.
 *
 *   percentDecodeUtf8("f%C3%BC") → ok("fü")
 *   percentEncode("tschüss", isSipUserChar) === "tsch%C3%BCss"
 */
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";

const HEX2 = /^[0-9A-Fa-f]{2}$/;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const utf8 = new TextEncoder();
// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading EF BB BF stays data.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decode `%hh` to octets, then read the octets as UTF-8 (RFC 7247 §6.4 steps 3–4).
 * `percentDecodeUtf8("%zz")` → uri-malformed; `percentDecodeUtf8("%FF")` → jid-malformed.
 */
export function percentDecodeUtf8(s: string): Result<string, Failure> {
  if (LONE_SURROGATE.test(s)) return failure("jid-malformed", "text is not valid Unicode");
  if (!s.includes("%")) return ok(s);
  const octets: number[] = [];
  for (let i = 0; i < s.length; ) {
    if (s[i] === "%") {
      const hex = s.slice(i + 1, i + 3);
      // docs/addresses.md SIP → JID step 3: a '%' not followed by two hex digits is a 400.
      if (!HEX2.test(hex)) return failure("uri-malformed", "bad percent-encoding");
      octets.push(parseInt(hex, 16));
      i += 3;
    } else {
      const ch = String.fromCodePoint(s.codePointAt(i)!);
      octets.push(...utf8.encode(ch));
      i += ch.length;
    }
  }
  try {
    return ok(strictUtf8.decode(Uint8Array.from(octets)));
  } catch {
    // docs/addresses.md SIP → JID step 4: not UTF-8 → 400, the RFC 7247 Table 2 row for jid-malformed.
    return failure("jid-malformed", "percent-decoded octets are not UTF-8");
  }
}

/**
 * Keep each character `allowed` accepts; write every octet of the others as
 * `%HH`, upper-case hex (RFC 3986 §2.1). `percentEncode("a b", isUnreserved) === "a%20b"`.
 */
export function percentEncode(s: string, allowed: (ch: string) => boolean): string {
  let out = "";
  for (const ch of s) {
    if (allowed(ch)) {
      out += ch;
      continue;
    }
    for (const octet of utf8.encode(ch)) out += "%" + octet.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}
