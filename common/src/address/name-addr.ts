/**
 * From/To/Contact header values (RFC 3261 §20.10, §25 `name-addr`/`addr-spec`):
 * the make/parse pair around a URI.
 *
 *   "Bob" <sip:bob@biloxi.example;gr=x>;tag=a6c85cf
 *   \___/  \________________________/ \__________/
 *  display        URI (kept as text)    header params
 *
 *   extractUriFromNameAddr('"Bob" <sip:bob@x;gr=p>;tag=1') → ok({ uri: "sip:bob@x;gr=p", displayName: "Bob", params: Map { tag → "1" } })
 *   extractUriFromNameAddr("sip:bob@x;tag=1")             → ok({ uri: "sip:bob@x", params: Map { tag → "1" } })
 */
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";

export interface NameAddr {
  uri: string;
  displayName?: string;
  params: ReadonlyMap<string, string | null>;
}

const LWS = /^[ \t]*/;
// RFC 3261 §25 token characters.
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
// Header values arrive unfolded; any other control (CR, LF, NUL…) is an injection attempt (docs/security.md).
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
const URI_TEXT = /^[\x21-\x7e]+$/;
// Unquoted display name: tokens and LWS; non-ASCII tolerated as UAs send it.
const BARE_DISPLAY = /^[^"<>,;\\\x00-\x1f\x7f]*$/;
/** Cap on a display name we emit (docs/security.md: length caps on copied values). */
export const DISPLAY_NAME_MAX = 256;

/** Split a From/To header value into URI text, display name and header parameters. */
export function extractUriFromNameAddr(headerValue: string): Result<NameAddr, Failure> {
  if (CONTROL.test(headerValue)) return failure("sip-malformed", "control character in address header");
  const v = headerValue.trim();
  let displayName: string | undefined;
  let uri: string;
  let rest: string;
  const lt = v.indexOf("<");
  if (v.startsWith('"')) {
    const q = readQuoted(v, 0);
    if (!q) return failure("sip-malformed", "unterminated quoted display name");
    displayName = q.text;
    const after = v.slice(q.end).replace(LWS, "");
    if (!after.startsWith("<")) return failure("sip-malformed", "display name without <URI>");
    const gt = after.indexOf(">");
    if (gt < 0) return failure("sip-malformed", "missing '>'");
    uri = after.slice(1, gt);
    rest = after.slice(gt + 1);
  } else if (lt >= 0) {
    const name = v.slice(0, lt).trim().replace(/[ \t]+/g, " ");
    if (!BARE_DISPLAY.test(name)) return failure("sip-malformed", "bad display name");
    displayName = name;
    const gt = v.indexOf(">", lt);
    if (gt < 0) return failure("sip-malformed", "missing '>'");
    uri = v.slice(lt + 1, gt);
    rest = v.slice(gt + 1);
  } else {
    // RFC 3261 §20.10: in addr-spec form every ';' parameter belongs to the header.
    const semi = v.indexOf(";");
    uri = (semi >= 0 ? v.slice(0, semi) : v).trim();
    rest = semi >= 0 ? v.slice(semi) : "";
  }
  if (!URI_TEXT.test(uri) || /[<>"]/.test(uri)) return failure("sip-malformed", "bad URI in address header");
  const params = parseHeaderParams(rest);
  if (!params.ok) return params;
  return ok({ uri, ...(displayName ? { displayName } : {}), params: params.value });
}

/**
 * The reverse: always name-addr form, so URI parameters such as `gr` stay
 * inside the brackets (RFC 7572 §4 note 1, RFC 5627).
 * `formatNameAddr({ uri: "sip:j@x;gr=b", params: new Map([["tag", "9f"]]) })` → ok("<sip:j@x;gr=b>;tag=9f").
 */
export function formatNameAddr(addr: NameAddr): Result<string, Failure> {
  if (!URI_TEXT.test(addr.uri) || /[<>"]/.test(addr.uri)) return failure("sip-malformed", "URI cannot go in an address header");
  let out = `<${addr.uri}>`;
  if (addr.displayName !== undefined && addr.displayName !== "") {
    const name = addr.displayName;
    if (CONTROL.test(name) || name.includes("\t") || name.length > DISPLAY_NAME_MAX) {
      return failure("sip-malformed", "display name has control characters or is too long");
    }
    out = `"${name.replace(/["\\]/g, (c) => "\\" + c)}" ${out}`;
  }
  for (const [name, value] of addr.params) {
    if (!TOKEN.test(name) || (value !== null && !TOKEN.test(value))) return failure("sip-malformed", "header parameter is not a token");
    out += value === null ? `;${name}` : `;${name}=${value}`;
  }
  return ok(out);
}

// RFC 3261 §25 quoted-string with quoted-pair; returns the unescaped text and the index after the closing quote.
function readQuoted(s: string, start: number): { text: string; end: number } | undefined {
  let text = "";
  for (let i = start + 1; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '"') return { text, end: i + 1 };
    if (ch === "\\") {
      if (i + 1 >= s.length) return undefined;
      text += s[++i];
    } else {
      text += ch;
    }
  }
  return undefined;
}

// *( SEMI generic-param ), generic-param = token [ EQUAL ( token / host / quoted-string ) ].
function parseHeaderParams(s: string): Result<ReadonlyMap<string, string | null>, Failure> {
  const params = new Map<string, string | null>();
  let rest = s.replace(LWS, "");
  while (rest.length > 0) {
    if (!rest.startsWith(";")) return failure("sip-malformed", "text after the address");
    const m = /^;[ \t]*([^ \t=;"]*)[ \t]*/.exec(rest);
    const name = m?.[1] ?? "";
    if (!m || !TOKEN.test(name)) return failure("sip-malformed", "bad header parameter name");
    rest = rest.slice(m[0].length);
    let value: string | null = null;
    if (rest.startsWith("=")) {
      rest = rest.slice(1).replace(LWS, "");
      if (rest.startsWith('"')) {
        const q = readQuoted(rest, 0);
        if (!q) return failure("sip-malformed", "unterminated quoted parameter");
        value = q.text;
        rest = rest.slice(q.end);
      } else {
        const v = /^[^ \t;]+/.exec(rest)?.[0] ?? "";
        // token / host (an IPv6 reference adds ':' '[' ']').
        if (!/^[A-Za-z0-9\-.!%*_+`'~:[\]]+$/.test(v)) return failure("sip-malformed", "bad header parameter value");
        value = v;
        rest = rest.slice(v.length);
      }
    }
    const key = name.toLowerCase();
    if (params.has(key)) return failure("sip-malformed", "repeated header parameter");
    params.set(key, value);
    rest = rest.replace(LWS, "");
  }
  return ok(params);
}
