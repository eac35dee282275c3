/**
 * JID → SIP/IM/PRES URI (RFC 7247 §6.5, completed as docs/addresses.md "JID → SIP" says).
 *
 *   jidToSipUri("m\\26m@xmpp.example")        → ok("sip:m&m@xmpp.example")
 *   jidToSipUri("baz@xmpp.example/qux")      → ok("sip:baz@xmpp.example;gr=qux")
 *   jidToSipUri("first.last@example.com", { scheme: "im" }) → ok("im:first%2Elast@example.com")
 */
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";
import { jidDomainToSipHost } from "./domain.js";
import { canonicalJid, parseJid, type Jid } from "./jid.js";
import { percentEncode } from "./percent.js";
import { isImUserChar, isParamChar, isSipUserChar } from "./sip-charsets.js";
import { unescapeLocal } from "./xep0106.js";

export interface JidToSipOptions {
  /** RFC 7247 §6.5 step 7 leaves the scheme to local policy; stox sends `sip:`. */
  scheme?: "sip" | "im" | "pres";
  /** Add the resource as `;gr=` (sip: only, RFC 7247 §6.5 step 8). Default true. */
  withGruu?: boolean;
}

/** RFC 3261 gives no limit; ours keeps every generated URI within one line budget (docs/addresses.md "Limits"). */
export const SIP_URI_OUTPUT_MAX = 1024;

/** Map a JID (text or parts): `jidToSipUri("tschüss@xmpp.example")` → ok("sip:tsch%C3%BCss@xmpp.example"). */
export function jidToSipUri(jid: string | Jid, opts: JidToSipOptions = {}): Result<string, Failure> {
  const scheme = opts.scheme ?? "sip";
  // Parts built elsewhere are canonicalised again: only canonical JIDs map.
  const parsed = typeof jid === "string" ? parseJid(jid) : canonicalJid(jid);
  if (!parsed.ok) return parsed;
  const { local, domain, resource } = parsed.value;
  if (local === "") return failure("jid-malformed", "a JID without localpart names a server, not a user");
  const user = localpartToUser(local, scheme);
  if (!user.ok) return user;
  const host = jidDomainToSipHost(domain);
  if (!host.ok) return host;
  // RFC 7247 §6.5 step 8: gr only for sip:/sips:; RFC 3261 §25 paramchar.
  const gr = scheme === "sip" && opts.withGruu !== false && resource !== undefined
    ? `;gr=${percentEncode(resource, isParamChar)}`
    : "";
  const uri = `${scheme}:${user.value}@${host.value}${gr}`;
  if (uri.length > SIP_URI_OUTPUT_MAX) return failure("jid-malformed", "SIP URI would exceed 1024 characters");
  return ok(uri);
}

/**
 * Canonical localpart → URI user (RFC 7247 §6.5 steps 3 and 5): XEP-0106
 * unescape, then percent-encode what the scheme's user grammar does not allow.
 * `localpartToUser("user\\40host", "sip")` → ok("user%40host").
 */
export function localpartToUser(local: string, scheme: "sip" | "im" | "pres"): Result<string, Failure> {
  const plain = unescapeLocal(local);
  // XEP-0106 §4.2: `\20` at either end is not a valid escaping; the reverse
  // mapping would refuse the URI, so refuse the JID here too.
  if (plain.startsWith(" ") || plain.endsWith(" ")) return failure("jid-malformed", "localpart begins or ends with an escaped space");
  return ok(percentEncode(plain, scheme === "sip" ? isSipUserChar : isImUserChar));
}
