/**
 * SIP/SIPS/IM/PRES URI → JID (RFC 7247 §6.4, completed as docs/addresses.md "SIP → JID" says).
 *
 *   sipUriToJid("sip:o'malley@sip.example", "ruri")   → ok(o\27malley@sip.example)
 *   sipUriToJid("SIP:Alice@SIP.EXAMPLE;GR=Phone", "from") → ok(alice@sip.example/Phone)
 *   sipUriToJid("sips:juliet@example.com", "to")        → sips-not-allowed (480 + Warning 380)
 */
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";
import { sipHostToJidDomain } from "./domain.js";
import { canonicalLocalpart, canonicalResourcepart, type Jid } from "./jid.js";
import { parseSipUri, type SipUri } from "./sip-uri.js";
import { NODEPREP } from "./stringprep/profiles.js";
import { stringprepMap } from "./stringprep/stringprep.js";
import { hasEdgeSpaceEscape, unescapeLocal, XEP0106_ESCAPES } from "./xep0106.js";

/** Where the URI came from: RFC 7247 §8 forbids translating a sips: Request-URI or To. */
export type SipUriContext = "ruri" | "to" | "from";

/** RFC 7247 §8, RFC 5630 §4.1: the Warning sent with the 480. */
export const SIPS_WARNING = '380 stox "SIPS Not Allowed"';

/** Map a URI text: `sipUriToJid("sip:foo@sip.example;gr=bar", "from")` → ok({ local: "foo", domain: "sip.example", resource: "bar" }). */
export function sipUriToJid(uri: string, ctx: SipUriContext): Result<Jid, Failure> {
  const parsed = parseSipUri(uri);
  return parsed.ok ? sipUriPartsToJid(parsed.value, ctx) : parsed;
}

/** Same, from an already parsed URI: `sipUriPartsToJid(parseSipUri(u).value, "ruri")`. */
export function sipUriPartsToJid(uri: SipUri, ctx: SipUriContext): Result<Jid, Failure> {
  // RFC 7247 §8: MUST NOT translate a request whose Request-URI or To is sips:.
  if (uri.scheme === "sips" && ctx !== "from") {
    return failure("sips-not-allowed", "sips: URIs are never translated", { warning: SIPS_WARNING });
  }
  const local = sipUserToLocalpart(uri.user);
  if (!local.ok) return local;
  // The port (and maddr, transport, ...) has no place in a JID (docs/addresses.md SIP → JID steps 7–8).
  const domain = sipHostToJidDomain(uri.host);
  if (!domain.ok) return domain;
  // RFC 7247 §6.3: gr → resource; a bare `gr` marks a temporary GRUU, not mapped (RFC 5627 §3.1.2).
  const gr = uri.params.get("gr");
  if (gr === undefined || gr === null) return ok({ local: local.value, domain: domain.value });
  const resource = canonicalResourcepart(gr);
  if (!resource.ok) return resource;
  return ok({ local: local.value, domain: domain.value, resource: resource.value });
}

// XEP-0106 §4.2 trigger, plus the nine characters. The backslash test ignores
// case here because Nodeprep runs next and would turn `\2F` into the escape `\2f`.
const ESCAPE_TRIGGER = /\\(?=20|22|26|27|2f|3a|3c|3e|40|5c)|[ "&'/:<>@]/gi;
// Every ESCAPE_TRIGGER match starts with one of these: without them there is nothing to escape.
const MAY_TRIGGER = /[\\ "&'/:<>@]/;

/**
 * Percent-decoded SIP user → canonical localpart (RFC 7247 §6.4 steps 5–6):
 * XEP-0106 escape, Nodeprep, then the checks of docs/addresses.md SIP → JID step 6 and "Limits".
 * `sipUserToLocalpart("c:\\net")` → ok("c\\3a\\net").
 */
export function sipUserToLocalpart(user: string): Result<string, Failure> {
  let escaped = "";
  let expected = "";
  let expectedPlain = "";
  let last = 0;
  // Canonicalise the text between escapes piece by piece too: if Nodeprep on
  // the whole string gives anything else, it merged an escape with its
  // neighbour (`\3a` + U+0301 → `\3á`) or made a new one (U+FF3C `＼2f` → `\2f`).
  const plain = (text: string): void => {
    const mapped = stringprepMap(text, NODEPREP);
    escaped += text;
    expected += mapped;
    expectedPlain += mapped;
  };
  for (const m of MAY_TRIGGER.test(user) ? user.matchAll(ESCAPE_TRIGGER) : []) {
    plain(user.slice(last, m.index));
    const seq = XEP0106_ESCAPES.get(m[0])!;
    escaped += seq;
    expected += seq;
    expectedPlain += m[0];
    last = m.index + m[0].length;
  }
  plain(user.slice(last));
  const local = canonicalLocalpart(escaped);
  if (!local.ok) return local;
  if (local.value !== expected || unescapeLocal(expected) !== expectedPlain) {
    return failure("jid-malformed", "canonicalisation would alter XEP-0106 escapes");
  }
  // XEP-0106 §4.2: an escaped localpart may not begin or end with \20.
  if (hasEdgeSpaceEscape(local.value)) return failure("jid-malformed", "localpart begins or ends with a space");
  return local;
}
