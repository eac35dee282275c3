/**
 * SIP/SIPS/IM/PRES URI parser (RFC 3261 §19.1, §25; RFC 3860; RFC 3859),
 * strict enough that every accepted URI maps without guessing (docs/addresses.md "Grammar").
 *
 *   sip:alice;day=tuesday@atlanta.com:5060;transport=tcp;gr=kjh29?subject=x
 *   \_/ \_______________/ \_________/ \__/ \_____________________/ \_______/
 *  scheme  user (decoded)     host    port   params (decoded)       headers (dropped)
 *
 *   parseSipUri("SIP:Alice@Example.COM;GR=Phone")
 *     → ok({ scheme: "sip", user: "Alice", host: "example.com", params: Map { "gr" → "Phone" } })
 */
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";
import { isIPv6Reference, isSipHost } from "./domain.js";
import { percentDecodeUtf8 } from "./percent.js";
import { CharClass, everyCharIn } from "./sip-charsets.js";

export type SipScheme = "sip" | "sips" | "im" | "pres";

/** A parsed URI; created only by `parseSipUri`. */
export interface SipUri {
  scheme: SipScheme;
  /** Percent-decoded user part (valid UTF-8), case kept (RFC 3261 §19.1.4). */
  user: string;
  /** Lower-cased host: hostname, IPv4, or `[IPv6]`. */
  host: string;
  port?: number;
  /** Names lower-cased, values percent-decoded, `null` for a parameter without `=`. */
  params: ReadonlyMap<string, string | null>;
}

const SCHEMES: ReadonlySet<string> = new Set<SipScheme>(["sip", "sips", "im", "pres"]);
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
const PORT = /^\d{1,5}$/;
/** Inputs past this are refused before any work (docs/security.md: caps on every field). */
export const SIP_URI_INPUT_MAX = 8192;

/**
 * Parse one bare URI (no display name, no `<>`). `?headers` are dropped.
 * `parseSipUri("tel:+15551234")` → unsupported-scheme (416);
 * `parseSipUri("sip:alice:pw@x")` → uri-password; `parseSipUri("sip:x.example")` → uri-no-user.
 */
export function parseSipUri(text: string): Result<SipUri, Failure> {
  if (text.length > SIP_URI_INPUT_MAX) return failure("uri-malformed", "URI too long");
  const colon = schemeEnd(text);
  if (colon < 0) return failure("uri-malformed", "URI has no scheme");
  const scheme = text.slice(0, colon).toLowerCase();
  if (!SCHEMES.has(scheme)) return failure("unsupported-scheme", "only sip:, sips:, im: and pres: URIs are mapped");
  const rest = text.slice(colon + 1);
  // URIs are ASCII without spaces or controls (RFC 3986 §2; RFC 3261 §25).
  if (!isPrintableAscii(rest)) return failure("uri-malformed", "URI holds a space, control or non-ASCII character");
  // userinfo never holds a raw '@' and neither do params or headers, so the first '@' ends it.
  const at = rest.indexOf("@");
  if (at <= 0) return failure("uri-no-user", "URI has no user part");
  const user = parseUserinfo(rest.slice(0, at), scheme as SipScheme);
  if (!user.ok) return user;
  return parseHostPart(scheme as SipScheme, user.value, rest.slice(at + 1));
}

// RFC 3986 §3.1: scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), then ':'.
// Returns the index of that ':' or -1.
function schemeEnd(text: string): number {
  if (text.length === 0 || !isAlpha(text.charCodeAt(0))) return -1;
  for (let i = 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x3a) return i;
    if (!isAlpha(c) && !(c >= 0x30 && c <= 0x39) && c !== 0x2b && c !== 0x2d && c !== 0x2e) return -1;
  }
  return -1;
}

const isAlpha = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;

function isPrintableAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

function parseUserinfo(userinfo: string, scheme: SipScheme): Result<string, Failure> {
  const colon = userinfo.indexOf(":");
  if (colon >= 0) {
    // docs/addresses.md SIP → JID step 2: a password is refused, never carried into a JID.
    if (!everyCharIn(userinfo.slice(colon + 1), CharClass.password)) return failure("uri-malformed", "bad password syntax");
    return failure("uri-password", "URI carries a password");
  }
  if (userinfo.length === 0) return failure("uri-no-user", "URI has an empty user part");
  const allowed = scheme === "im" || scheme === "pres" ? CharClass.imUserInput : CharClass.unreserved | CharClass.userUnreserved;
  if (!everyCharIn(userinfo, allowed | CharClass.percent)) return failure("uri-malformed", "user part holds a character that must be escaped");
  return percentDecodeUtf8(userinfo);
}

// hostport *( ";" param ) [ "?" headers ], after the '@'.
function parseHostPart(scheme: SipScheme, user: string, s: string): Result<SipUri, Failure> {
  const q = s.indexOf("?");
  if (q >= 0 && !validHeaders(s.slice(q + 1))) return failure("uri-malformed", "bad URI headers");
  const beforeHeaders = q >= 0 ? s.slice(0, q) : s;
  const semi = beforeHeaders.indexOf(";");
  const hostport = semi >= 0 ? beforeHeaders.slice(0, semi) : beforeHeaders;
  const close = hostport.startsWith("[") ? hostport.indexOf("]") + 1 : 0;
  const colon = hostport.indexOf(":", close);
  const host = (colon >= 0 ? hostport.slice(0, colon) : hostport).toLowerCase();
  if (!(close > 0 ? isIPv6Reference(host) : isSipHost(host))) return failure("uri-malformed", "bad host");
  let port: number | undefined;
  if (colon >= 0) {
    const portText = hostport.slice(colon + 1);
    port = Number(portText);
    if (!PORT.test(portText) || port > 65535) return failure("uri-malformed", "bad port");
  }
  const params = parseParams(semi >= 0 ? beforeHeaders.slice(semi + 1).split(";") : []);
  if (!params.ok) return params;
  return ok(port === undefined
    ? { scheme, user, host, params: params.value }
    : { scheme, user, host, port, params: params.value });
}

// RFC 3261 §25: other-param = pname [ "=" pvalue ], both 1*paramchar.
function parseParams(raw: readonly string[]): Result<ReadonlyMap<string, string | null>, Failure> {
  const params = new Map<string, string | null>();
  for (const p of raw) {
    const eq = p.indexOf("=");
    const rawName = eq >= 0 ? p.slice(0, eq) : p;
    const rawValue = eq >= 0 ? p.slice(eq + 1) : null;
    if (!isParamText(rawName) || (rawValue !== null && !isParamText(rawValue))) {
      return failure("uri-malformed", "bad URI parameter");
    }
    const name = percentDecodeUtf8(rawName);
    const value = rawValue === null ? ok(null) : percentDecodeUtf8(rawValue);
    if (!name.ok || !value.ok) return failure("uri-malformed", "URI parameter is not UTF-8");
    const key = name.value.toLowerCase();
    // Two `gr`s (or two of anything) leave the meaning open; refuse rather than pick one.
    if (params.has(key)) return failure("uri-malformed", "repeated URI parameter");
    params.set(key, value.value);
  }
  return ok(params);
}

function isParamText(s: string): boolean {
  return s.length > 0 && everyCharIn(s, CharClass.param | CharClass.percent);
}

// RFC 3261 §25: headers = "?" header *( "&" header ), header = hname "=" hvalue.
function validHeaders(s: string): boolean {
  const isHeaderText = (t: string): boolean => !BAD_ESCAPE.test(t) && everyCharIn(t, CharClass.header | CharClass.percent);
  return s.split("&").every((h) => {
    const eq = h.indexOf("=");
    return eq > 0 && isHeaderText(h.slice(0, eq)) && isHeaderText(h.slice(eq + 1));
  });
}
