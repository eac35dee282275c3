/**
 * The one error registry: every way stox refuses a message,
 * with what each side is told. A row: SIP status + reason, XMPP condition + type.
 *
 * Mapping code never throws for bad input; it returns `Failure` values built
 * with `failure(code, detail)`, and the shells turn them into a SIP final
 * response or an XMPP error stanza.
 */
import type { StanzaCondition, StanzaErrorType } from "./stanza-errors.js";
import { err, type Err } from "./result.js";

export interface FailureRow {
  readonly sip: number;
  readonly reason: string;
  readonly xmpp: StanzaCondition;
  readonly type: StanzaErrorType;
}

export const FAILURES = {
  // --- addresses (RFC 7247 §6, docs/addresses.md) ---
  /** Local part or JID cannot be expressed on the other side (RFC 7247 T2: jid-malformed → 400). */
  "jid-malformed": { sip: 400, reason: "Bad Request", xmpp: "jid-malformed", type: "modify" },
  /** Broken %-encoding or URI syntax. */
  "uri-malformed": { sip: 400, reason: "Bad Request", xmpp: "jid-malformed", type: "modify" },
  /** A password in the userinfo is refused rather than leaked into a JID. */
  "uri-password": { sip: 400, reason: "Bad Request", xmpp: "jid-malformed", type: "modify" },
  /** `sip:example.com` names a server, not an IM user. */
  "uri-no-user": { sip: 404, reason: "Not Found", xmpp: "item-not-found", type: "cancel" },
  /** tel:, mailto:, … (RFC 3261 §8.2.2.1). */
  "unsupported-scheme": { sip: 416, reason: "Unsupported URI Scheme", xmpp: "jid-malformed", type: "modify" },
  /** RFC 7247 §8: a sips: Request-URI or To is never translated (480 + Warning 380, RFC 5630). */
  "sips-not-allowed": { sip: 480, reason: "Temporarily Unavailable", xmpp: "not-acceptable", type: "cancel" },
  // --- messages and content (RFC 7572, RFC 3428) ---
  "sip-malformed": { sip: 400, reason: "Bad Request", xmpp: "bad-request", type: "modify" },
  // Semantic errors in a SIP request (RFC 4475 §3.1.2, §3.3; docs/robustness.md
  // "Parsing strictness"): refused, never translated. The reason phrase names
  // the rule, since it is all a SIP sender sees (RFC 3261 §7.2 allows any phrase).
  /** SIP-Version other than SIP/2.0 (RFC 3261 §21.5.6, RFC 4475 §3.1.2.16). */
  "sip-version-unsupported": { sip: 505, reason: "Version Not Supported", xmpp: "bad-request", type: "modify" },
  /** A second From/To/Call-ID/CSeq/… (RFC 3261 §7.3.1, RFC 4475 §3.3.8–9). */
  "sip-duplicate-header": { sip: 400, reason: "Duplicate Header Field", xmpp: "bad-request", type: "modify" },
  /** CSeq method ≠ request method (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17–18). */
  "sip-cseq-mismatch": { sip: 400, reason: "CSeq Method Mismatch", xmpp: "bad-request", type: "modify" },
  /** CSeq number ≥ 2^31, Max-Forwards > 255 (RFC 3261 §8.1.1.5, §20.22; RFC 4475 §3.1.2.4). */
  "sip-out-of-range": { sip: 400, reason: "Header Value Out of Range", xmpp: "bad-request", type: "modify" },
  /** Content-Length not a number, or more than the body holds (RFC 3261 §18.3, §20.14; RFC 4475 §3.1.2.2–3). */
  "sip-content-length": { sip: 400, reason: "Bad Content-Length", xmpp: "bad-request", type: "modify" },
  "stanza-malformed": { sip: 400, reason: "Bad Request", xmpp: "bad-request", type: "modify" },
  "not-a-message": { sip: 405, reason: "Method Not Allowed", xmpp: "feature-not-implemented", type: "cancel" },
  "unsupported-media-type": { sip: 415, reason: "Unsupported Media Type", xmpp: "not-acceptable", type: "modify" },
  "bad-charset": { sip: 415, reason: "Unsupported Media Type", xmpp: "not-acceptable", type: "modify" },
  "invalid-encoding": { sip: 400, reason: "Bad Request", xmpp: "bad-request", type: "modify" },
  "empty-message": { sip: 400, reason: "Bad Request", xmpp: "bad-request", type: "modify" },
  /** S2X: the stanza would exceed the XMPP server's limit (RFC 6120 §13.12; docs/security.md). */
  "body-too-large": { sip: 413, reason: "Request Entity Too Large", xmpp: "policy-violation", type: "modify" },
  /** X2S: the SIP MESSAGE would exceed the pager-mode limit (RFC 7572 §6, RFC 3428 §8). */
  "sip-too-large": { sip: 513, reason: "Message Too Large", xmpp: "policy-violation", type: "modify" },
  "groupchat-unsupported": { sip: 488, reason: "Not Acceptable Here", xmpp: "feature-not-implemented", type: "cancel" },
  // --- policy and security (docs/security.md) ---
  "spoofed-sender": { sip: 403, reason: "Forbidden", xmpp: "forbidden", type: "auth" },
  "cpim-sender-mismatch": { sip: 403, reason: "Forbidden", xmpp: "forbidden", type: "auth" },
  "too-many-hops": { sip: 483, reason: "Too Many Hops", xmpp: "policy-violation", type: "modify" },
  "loop-detected": { sip: 482, reason: "Loop Detected", xmpp: "policy-violation", type: "modify" },
  "not-routable": { sip: 404, reason: "Not Found", xmpp: "remote-server-not-found", type: "cancel" },
  "resolve-timeout": { sip: 408, reason: "Request Timeout", xmpp: "remote-server-timeout", type: "wait" },
  // --- delivery and capacity (docs/robustness.md) ---
  "bridge-unavailable": { sip: 480, reason: "Temporarily Unavailable", xmpp: "recipient-unavailable", type: "wait" },
  "overloaded": { sip: 503, reason: "Service Unavailable", xmpp: "resource-constraint", type: "wait" },
  "queue-full": { sip: 503, reason: "Service Unavailable", xmpp: "resource-constraint", type: "wait" },
  "delivery-timeout": { sip: 408, reason: "Request Timeout", xmpp: "remote-server-timeout", type: "wait" },
  "internal": { sip: 500, reason: "Server Internal Error", xmpp: "internal-server-error", type: "cancel" },
} as const satisfies Record<string, FailureRow>;

export type FailureCode = keyof typeof FAILURES;

/** A refusal with everything a shell needs to answer either side. */
export interface Failure extends FailureRow {
  readonly code: FailureCode;
  /** Human-readable, constant-ish explanation; safe for logs and `<text/>` after sanitising. */
  readonly detail: string;
  /** SIP `Warning` header value, e.g. `380 stox "SIPS Not Allowed"` (RFC 5630 §4.1). */
  readonly warning?: string;
  /** SIP `Accept` header value for 415 (RFC 3428 Table 1). */
  readonly accept?: string;
  /** Seconds for a SIP `Retry-After` header. */
  readonly retryAfter?: number;
}

export type FailureExtras = Partial<Pick<Failure, "warning" | "accept" | "retryAfter">>;

export function makeFailure(code: FailureCode, detail: string, extras: FailureExtras = {}): Failure {
  return { code, ...FAILURES[code], detail, ...extras };
}

/** `return failure("jid-malformed", "…")` inside a function returning `Result<T, Failure>`. */
export function failure(code: FailureCode, detail: string, extras: FailureExtras = {}): Err<Failure> {
  return err(makeFailure(code, detail, extras));
}
