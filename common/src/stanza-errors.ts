/**
 * XMPP stanza error vocabulary (RFC 6120 §8.3.2, §8.3.3).
 * The conditions RFC 7247 Tables 2 and 3 speak about, and the five error types.
 */
export const STANZA_CONDITIONS = [
  "bad-request", "conflict", "feature-not-implemented", "forbidden", "gone",
  "internal-server-error", "item-not-found", "jid-malformed", "not-acceptable",
  "not-allowed", "not-authorized", "policy-violation", "recipient-unavailable",
  "redirect", "registration-required", "remote-server-not-found",
  "remote-server-timeout", "resource-constraint", "service-unavailable",
  "subscription-required", "undefined-condition", "unexpected-request",
] as const;
export type StanzaCondition = (typeof STANZA_CONDITIONS)[number];

export const STANZA_ERROR_TYPES = ["auth", "cancel", "continue", "modify", "wait"] as const;
export type StanzaErrorType = (typeof STANZA_ERROR_TYPES)[number];

export const STANZAS_NS = "urn:ietf:params:xml:ns:xmpp-stanzas";

export function isStanzaCondition(s: string): s is StanzaCondition {
  return (STANZA_CONDITIONS as readonly string[]).includes(s);
}
export function isStanzaErrorType(s: string): s is StanzaErrorType {
  return (STANZA_ERROR_TYPES as readonly string[]).includes(s);
}
