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
import { failure, type Failure } from "../../../../common/src/failure.js";
import { ok, type Result } from "../../../../common/src/result.js";
import { isIPv6Reference, isSipHost } from "../../../../common/src/address/domain.js";
import { percentDecodeUtf8 } from "../../../../common/src/address/percent.js";
import { isHeaderChar, isImUserInputChar, isParamChar, isPasswordChar, isSipUserChar } from "./sip-charsets.js";

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
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;
const PRINTABLE_ASCII = /^[\x21-\x7e]*$/;
const BAD_ESCAPE = /%(?![0-9A-Fa-f]{2})/;
/** Inputs past this are refused before any work (docs/security.md: caps on every field). */
export const SIP_URI_INPUT_MAX = 8192;

/**
 * Parse one bare URI (no display name, no `<>`). `?headers` are dropped.
 * `parseSipUri("tel:+15551234")` → unsupported-scheme (416);
 * `parseSipUri("sip:alice:pw@x")` → uri-password; `parseSipUri("sip:x.example")` → uri-no-user.
 */
export function parseSipUri(text: string): Result<SipUri, Failure> {
  if (text.length > SIP_URI_INPUT_MAX) return failure("uri-malformed", "URI too long");
  const m = SCHEME.exec(text);
  if (!m) return failure("uri-malformed", "URI has no scheme");
  const scheme = m[1]!.toLowerCase();
  if (!SCHEMES.has(scheme)) return failure("unsupported-scheme", "only sip:, sips:, im: and pres: URIs are mapped");
  const rest = text.slice(m[0].length);
  // URIs are ASCII without spaces or controls (RFC 3986 §2; RFC 3261 §25).
  if (!PRINTABLE_ASCII.test(rest)) return failure("uri-malformed", "URI holds a space, control or non-ASCII character");
  // userinfo never holds a raw '@' and neither do params or headers, so the first '@' ends it.
  const at = rest.indexOf("@");
  if (at <= 0) return failure("uri-no-user", "URI has no user part");
  const user = parseUserinfo(rest.slice(0, at), scheme as SipScheme);
  if (!user.ok) return user;
  const hostPart = parseHostPart(rest.slice(at + 1));
  if (!hostPart.ok) return hostPart;
  const { host, port, params } = hostPart.value;
  return ok({ scheme: scheme as SipScheme, user: user.value, host, ...(port === undefined ? {} : { port }), params });
}

function parseUserinfo(userinfo: string, scheme: SipScheme): Result<string, Failure> {
  const colon = userinfo.indexOf(":");
  if (colon >= 0) {
    // docs/addresses.md SIP → JID step 2: a password is refused, never carried into a JID.
    const pw = userinfo.slice(colon + 1);
    if (!everyChar(pw, isPasswordChar)) return failure("uri-malformed", "bad password syntax");
    return failure("uri-password", "URI carries a password");
  }
  if (userinfo.length === 0) return failure("uri-no-user", "URI has an empty user part");
  const allowed = scheme === "im" || scheme === "pres" ? isImUserInputChar : isSipUserChar;
  if (!everyChar(userinfo, (ch) => ch === "%" || allowed(ch))) return failure("uri-malformed", "user part holds a character that must be escaped");
  return percentDecodeUtf8(userinfo);
}

interface HostPart {
  host: string;
  port: number | undefined;
  params: ReadonlyMap<string, string | null>;
}

function parseHostPart(s: string): Result<HostPart, Failure> {
  const q = s.indexOf("?");
  if (q >= 0 && !validHeaders(s.slice(q + 1))) return failure("uri-malformed", "bad URI headers");
  const [hostport = "", ...rawParams] = (q >= 0 ? s.slice(0, q) : s).split(";");
  const hp = splitHostPort(hostport);
  if (!hp.ok) return hp;
  const params = parseParams(rawParams);
  if (!params.ok) return params;
  return ok({ ...hp.value, params: params.value });
}

function splitHostPort(hostport: string): Result<{ host: string; port: number | undefined }, Failure> {
  const close = hostport.startsWith("[") ? hostport.indexOf("]") + 1 : 0;
  const colon = hostport.indexOf(":", close);
  const host = (colon >= 0 ? hostport.slice(0, colon) : hostport).toLowerCase();
  if (!(close > 0 ? isIPv6Reference(host) : isSipHost(host))) return failure("uri-malformed", "bad host");
  if (colon < 0) return ok({ host, port: undefined });
  const portText = hostport.slice(colon + 1);
  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText) || port > 65535) return failure("uri-malformed", "bad port");
  return ok({ host, port });
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
  return s.length > 0 && everyChar(s, (ch) => ch === "%" || isParamChar(ch));
}

// RFC 3261 §25: headers = "?" header *( "&" header ), header = hname "=" hvalue.
function validHeaders(s: string): boolean {
  const isHeaderText = (t: string): boolean => !BAD_ESCAPE.test(t) && everyChar(t, (c) => c === "%" || isHeaderChar(c));
  return s.split("&").every((h) => {
    const eq = h.indexOf("=");
    return eq > 0 && isHeaderText(h.slice(0, eq)) && isHeaderText(h.slice(eq + 1));
  });
}

function everyChar(s: string, pred: (ch: string) => boolean): boolean {
  for (const ch of s) if (!pred(ch)) return false;
  return true;
}
