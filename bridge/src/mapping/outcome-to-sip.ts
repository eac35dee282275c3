/**
 * What the SIP sender is told once the XMPP side has spoken (docs/mapping.md,
 * RFC 7247 §7.1 Table 2, RFC 3428 §7). Pure.
 *
 * | Prosody outcome         | SIP final response                               |
 * |-------------------------|--------------------------------------------------|
 * | delivered (online c2s)  | 200 OK                                           |
 * | stored (offline)        | 202 Accepted — store-and-forward (RFC 3428 §7)   |
 * | relayed (s2s, async)    | 202 Accepted — truly asynchronous remote outcome |
 * | error (condition)       | RFC 7247 Table 2 (bare → 6xx, full → 4xx)        |
 * | no answer in time       | 408 Request Timeout                              |
 * | no Prosody link         | 480 + Retry-After (docs/robustness.md)           |
 */
import type { XmppOutcome } from "../../../common/src/wire/frames.js";
import type { Failure } from "../../../common/src/failure.js";
import { sipAnswerForStanzaError } from "../../../common/src/rfc7247-errors.js";
import { reasonText } from "../../../common/src/sip/header-values.js";

export interface SipFinal {
  readonly code: number;
  readonly reason: string;
  readonly hdrs?: { retry_after?: number; warning?: string; accept?: string; allow?: string; contact?: string };
}

export function sipFinalForOutcome(outcome: XmppOutcome | "no-link" | "timeout", target: "bare" | "full", retryAfter = 5): SipFinal {
  if (outcome === "timeout") return { code: 408, reason: "Request Timeout" };
  if (outcome === "no-link") return { code: 480, reason: "Temporarily Unavailable", hdrs: { retry_after: retryAfter } };
  switch (outcome.outcome) {
    case "delivered": return { code: 200, reason: "OK" };
    case "stored": return { code: 202, reason: "Accepted" };
    case "relayed": return { code: 202, reason: "Accepted" };
    case "error": {
      const a = sipAnswerForStanzaError({ condition: outcome.condition ?? "undefined-condition", target, ...(outcome.text !== undefined ? { text: outcome.text } : {}) });
      const hdrs = { ...(a.allow !== undefined ? { allow: a.allow } : {}), ...(a.contact !== undefined ? { contact: a.contact } : {}) };
      return { code: a.code, reason: reasonText(a.reason), ...(Object.keys(hdrs).length > 0 ? { hdrs } : {}) };
    }
  }
}

export function sipFinalForFailure(f: Failure): SipFinal {
  const hdrs = {
    ...(f.warning !== undefined ? { warning: f.warning } : {}),
    ...(f.accept !== undefined ? { accept: f.accept } : {}),
    ...(f.retryAfter !== undefined ? { retry_after: f.retryAfter } : {}),
  };
  return { code: f.sip, reason: f.reason, ...(Object.keys(hdrs).length > 0 ? { hdrs } : {}) };
}
