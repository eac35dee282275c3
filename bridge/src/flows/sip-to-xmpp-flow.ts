/**
 * The SIP → XMPP shell (docs/mapping.md): a suspended MESSAGE from Kamailio is
 * parsed, mapped, handed to Prosody, and its transaction resumed with the code
 * that reflects what Prosody did. Exactly one resume per event; counted.
 */
import type { SipMessageEvent, SipResumeCommand, XmppOutcome } from "../../../common/src/wire/frames.js";
import { resumeCommand } from "../kamailio/resume-command.js";
import { parseSipRequest } from "../../../common/src/sip/parse-request.js";
import { sipToXmpp, type SipToXmppContext } from "../mapping/sip-to-xmpp.js";
import { sipFinalForFailure, sipFinalForOutcome, type SipFinal } from "../mapping/outcome-to-sip.js";
import type { Jid } from "../../../common/src/address/index.js";
import type { Failure } from "../../../common/src/failure.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics, Outcome } from "../runtime/metrics.js";

export interface SipToXmppDeps {
  readonly deliver: (xml: string) => Promise<XmppOutcome | "no-link" | "timeout">;
  readonly resume: (cmd: SipResumeCommand) => Promise<void>;
  readonly context: () => SipToXmppContext;
  /** Loop safety (docs/resolution.md "Loops"): a refusal, or undefined to deliver. See bridge/src/resolve/loop-guard.ts. */
  readonly admit?: (m: { from: Jid; to: Jid; body: string; thread?: string }) => Failure | undefined;
  readonly metrics: Metrics;
  readonly log: Logger;
}

export async function handleSipMessage(ev: SipMessageEvent, deps: SipToXmppDeps): Promise<void> {
  const started = performance.now();
  const log = deps.log.child({ dir: "sip-to-xmpp", tx: `${ev.tindex}:${ev.tlabel}` });
  const raw = ev.msg !== undefined ? Buffer.from(ev.msg, "utf8") : Buffer.from(ev.msg_b64 ?? "", "base64");
  const resume = async (final: SipFinal, outcome: Outcome, detail: string) => {
    const cmd = resumeCommand(ev, final.hdrs !== undefined ? { code: final.code, reason: final.reason, hdrs: final.hdrs } : { code: final.code, reason: final.reason });
    deps.metrics.outcome("sip-to-xmpp", outcome, detail, performance.now() - started);
    try { await deps.resume(cmd); } catch (e) {
      // Kamailio's failure route still answers the sender after STOX_TIMEOUT.
      log.error("resume failed", { code: final.code, error: String(e) });
    }
  };

  const parsed = parseSipRequest(raw);
  if (!parsed.ok) {
    log.info("refused", { code: parsed.error.code, detail: parsed.error.detail });
    return resume(sipFinalForFailure(parsed.error), "refused", parsed.error.code);
  }
  // Kamailio's $ru is the routing target after any retargeting (RFC 7572 Table 2: Request-URI → to).
  const req = { ...parsed.value, requestUri: ev.ruri };
  const mapped = sipToXmpp(req, deps.context());
  if (!mapped.ok) {
    log.info("refused", { code: mapped.error.code, detail: mapped.error.detail });
    return resume(sipFinalForFailure(mapped.error), "refused", mapped.error.code);
  }
  const { from, to, stanza } = mapped.value;
  const stanzaId = stanza.attrs.id as string; // from Call-ID + CSeq: bridge/src/mapping/message-id.ts
  const loop = deps.admit?.({ from, to, body: stanza.getChildText("body") ?? "", thread: stanza.getChildText("thread") ?? "" });
  if (loop !== undefined) {
    log.warn("refused", { code: loop.code, detail: loop.detail });
    return resume(sipFinalForFailure(loop), "refused", loop.code);
  }
  const outcome = await deps.deliver(mapped.value.xml);
  const final = sipFinalForOutcome(outcome, mapped.value.target);
  if (typeof outcome === "string") {
    log.info("not delivered", { stanza: stanzaId, why: outcome, code: final.code });
    return resume(final, "errored", outcome);
  }
  log.debug("answered", { stanza: stanzaId, outcome: outcome.outcome, code: final.code });
  const counted: Outcome = outcome.outcome === "error" ? "errored" : outcome.outcome;
  return resume(final, counted, outcome.condition ?? outcome.outcome);
}
