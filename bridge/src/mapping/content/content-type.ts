/**
 * Content-Type parsing (RFC 3261 §20.15 / §25.1, RFC 2045 §5.1):
 *
 *   media-type = m-type SLASH m-subtype *(SEMI m-parameter)
 *   m-parameter = m-attribute EQUAL m-value ; m-value = token / quoted-string
 *
 * Type, subtype and parameter names are case-insensitive and returned in
 * lower case; parameter values keep their case (quotes and quoted-pairs
 * removed). `text/plain; Charset="UTF-8"` →
 * `{type: "text", subtype: "plain", params: {charset → "UTF-8"}}`.
 * Folded lines (CRLF + WSP) are accepted as whitespace; anything else that
 * breaks the grammar, a repeated parameter or a value over 1024 characters is
 * a `sip-malformed` failure (400).
 */
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";

export interface ContentType {
  readonly type: string;
  readonly subtype: string;
  readonly params: ReadonlyMap<string, string>;
}

export const MAX_CONTENT_TYPE = 1024;

/** RFC 3261 §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~". */
const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+/;
const WS = /^(?:[ \t]|\r\n[ \t])*/;

export function parseContentType(value: string): Result<ContentType, Failure> {
  if (value.length > MAX_CONTENT_TYPE) return failure("sip-malformed", "Content-Type too long");
  let rest = value;
  const skipWs = (): void => {
    rest = rest.slice(WS.exec(rest)?.[0].length ?? 0);
  };
  const token = (): string | undefined => {
    const m = TOKEN.exec(rest);
    if (!m) return undefined;
    rest = rest.slice(m[0].length);
    return m[0];
  };
  const punct = (c: string): boolean => {
    skipWs();
    if (!rest.startsWith(c)) return false;
    rest = rest.slice(1);
    skipWs();
    return true;
  };

  skipWs();
  const type = token();
  if (type === undefined || !punct("/")) return failure("sip-malformed", "Content-Type: bad type");
  const subtype = token();
  if (subtype === undefined) return failure("sip-malformed", "Content-Type: bad subtype");
  const params = new Map<string, string>();
  skipWs();
  while (rest !== "") {
    if (!punct(";")) return failure("sip-malformed", "Content-Type: junk after media type");
    const name = token()?.toLowerCase();
    if (name === undefined || !punct("=")) return failure("sip-malformed", "Content-Type: bad parameter");
    const v = rest.startsWith('"') ? quoted() : token();
    if (v === undefined) return failure("sip-malformed", "Content-Type: bad parameter value");
    if (params.has(name)) return failure("sip-malformed", "Content-Type: repeated parameter");
    params.set(name, v);
    skipWs();
  }
  return ok({ type: type.toLowerCase(), subtype: subtype.toLowerCase(), params });

  /** quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE; no CR/LF except folding. */
  function quoted(): string | undefined {
    let out = "";
    let i = 1;
    while (i < rest.length) {
      const c = rest[i]!;
      if (c === '"') {
        rest = rest.slice(i + 1);
        return out;
      }
      if (c === "\\") {
        const n = rest[i + 1];
        if (n === undefined || (n < " " && n !== "\t") || n === "\u007f") return undefined;
        out += n;
        i += 2;
        continue;
      }
      if (c === "\r") {
        if (rest[i + 1] !== "\n" || (rest[i + 2] !== " " && rest[i + 2] !== "\t")) return undefined;
        out += " ";
        i += 3;
        continue;
      }
      if (c === "\n" || (c < " " && c !== "\t") || c === "\u007f") return undefined;
      out += c;
      i += 1;
    }
    return undefined;
  }
}

/** `"text/plain"` for a parsed value (lower case, no parameters). */
export function mediaType(ct: ContentType): string {
  return `${ct.type}/${ct.subtype}`;
}
