/**
 * The XMPP → SIP shell (docs/mapping.md): a stanza Prosody intercepted is parsed,
 * mapped, queued per destination AOR (RFC 3428 §8), sent through Kamailio to
 * every registered contact (the outcome chosen by RFC 3261 §16.7,
 * kamailio/sip-sender.ts), and a final response ≥ 300 (or a timeout) comes
 * back to the sender as the error stanza RFC 7247 Table 3 gives. Exactly one outcome per stanza; counted.
 */
import { newId } from "../runtime/ids.js";
import type { Element } from "@xmpp/xml";
import { PROTOCOL_VERSION, type SipSendCommand, type XmppStanzaFrame } from "../../../common/src/wire/frames.js";
import { makeFailure, type Failure } from "../../../common/src/failure.js";
import type { Jid } from "../../../common/src/address/index.js";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";
import { contentChildText } from "../../../common/src/xmpp/stanza-content.js";
import { stanzaErrorForSipAnswer } from "../../../common/src/rfc7247-errors.js";
import { xmppToSip, type XmppToSipContext } from "../mapping/xmpp-to-sip.js";
import { errorStanza, type OriginalStanza } from "../mapping/error-stanza.js";
import type { SipResult } from "../kamailio/sip-sender.js";
import type { DestinationQueues } from "./destination-queue.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics, Outcome } from "../runtime/metrics.js";

export interface XmppToSipDeps {
  readonly context: () => XmppToSipContext;
  readonly isLocalSip: (domain: string) => boolean;
  /** Loop safety (docs/resolution.md "Loops"): a refusal, or undefined to send. See bridge/src/resolve/loop-guard.ts. */
  readonly admit?: (m: { from: Jid; to: Jid; body: string; thread?: string; emittedThread?: string }) => Failure | undefined;
  readonly sendSip: (cmd: SipSendCommand) => Promise<SipResult>;
  /** Delivers an error stanza back to the XMPP sender through Prosody. */
  readonly bounce: (stanza: Element) => void;
  readonly done: (ref: string, outcome: "sent" | "error") => void;
  readonly queues: DestinationQueues;
  readonly metrics: Metrics;
  readonly log: Logger;
}

export function handleXmppStanza(frame: XmppStanzaFrame, deps: XmppToSipDeps): void {
  const started = performance.now();
  const log = deps.log.child({ dir: "xmpp-to-sip", frame: frame.id });
  const count = (outcome: Outcome, detail: string) => deps.metrics.outcome("xmpp-to-sip", outcome, detail, performance.now() - started);

  const parsed = parseStanza(frame.xml);
  if (!parsed.ok) {
    // Without a parsed stanza there is no sender to answer; Prosody bounces on "error".
    log.warn("unparseable stanza", { detail: parsed.error.detail });
    count("refused", parsed.error.code);
    return deps.done(frame.id, "error");
  }
  const stanza = parsed.value;
  const original: OriginalStanza = { name: stanza.name, ...pick(stanza, "from", "to", "id") };
  const refuse = (f: Failure) => {
    log.info("refused", { code: f.code, detail: f.detail });
    if (stanza.attrs.type !== "error") deps.bounce(errorStanza(original, { condition: f.xmpp, type: f.type, text: f.detail }));
    count("refused", f.code);
    deps.done(frame.id, "error");
  };

  const mapped = xmppToSip(stanza, deps.context());
  if (!mapped.ok) return refuse(mapped.error);
  if (mapped.value.kind === "ignore") {
    count("ignored", mapped.value.reason);
    return deps.done(frame.id, "sent");
  }
  const { message, to } = mapped.value;
  const loop = deps.admit?.({ from: mapped.value.from, to, body: message.body, thread: contentChildText(stanza, "thread") ?? "", emittedThread: message.callId });
  if (loop !== undefined) return refuse(loop);
  const cmd: SipSendCommand = {
    type: "sip.send", v: PROTOCOL_VERSION, id: newId(),
    ruri: message.requestUri, to: message.toUri, from: message.fromUri, callid: message.callId,
    ...(message.subject !== undefined ? { subject: message.subject } : {}),
    ...(message.contentLanguage !== undefined ? { clang: message.contentLanguage } : {}),
    body: message.body, ctype: message.contentType, lookup: deps.isLocalSip(to.domain),
  };
  // RFC 3428 §8 per AOR: a GRUU and its AOR share one queue (docs/mapping.md, "Devices")
  const accepted = deps.queues.enqueue(message.toUri, async () => {
    const result = await deps.sendSip(cmd);
    if (result.code < 300) {
      count("delivered", String(result.code));
      return deps.done(frame.id, "sent");
    }
    const e = result.timedOut
      ? { condition: "remote-server-timeout" as const, type: "wait" as const, text: "SIP request timed out" }
      : stanzaErrorForSipAnswer({ code: result.code, ...(result.reason !== undefined ? { reason: result.reason } : {}) });
    if (e !== null) deps.bounce(errorStanza(original, e));
    log.info("sip error", { code: result.code });
    count("errored", String(result.code));
    deps.done(frame.id, "error");
  });
  if (!accepted) refuse(makeFailure("queue-full", "too many messages waiting for this destination", { retryAfter: 5 }));
}

function pick(el: Element, ...names: ("from" | "to" | "id")[]): Partial<Record<"from" | "to" | "id", string>> {
  const out: Partial<Record<"from" | "to" | "id", string>> = {};
  for (const n of names) if (el.attrs[n] !== undefined) out[n] = el.attrs[n];
  return out;
}
