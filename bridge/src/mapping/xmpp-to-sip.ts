/**
 * XMPP `<message/>` → SIP MESSAGE (RFC 7572 §4, Table 1; RFC 7247 §6.5).
 * Pure: a parsed stanza and read-only context in; the MESSAGE to send, a
 * deliberate "nothing to send", or a Failure out.
 *
 * | XMPP        | SIP                                                  |
 * |-------------|------------------------------------------------------|
 * | `to`        | To: bare AOR; Request-URI: the AOR, or for a full    |
 * |             | JID the GRUU `;gr=resource` (RFC 5627 §3.3)          |
 * | `from`      | From: bare JID + resource as `;gr=` inside `<>`      |
 * |             | (note 1)                                             |
 * | `<thread/>` | Call-ID (derived when not a valid Call-ID)           |
 * | `<subject/>`| Subject (controls stripped, capped)                  |
 * | `xml:lang`  | Content-Language                                     |
 * | `<body/>`   | body, `text/plain;charset=UTF-8`                     |
 * | `id`        | kept beside the transaction for the error stanza     |
 * | `type`      | not mapped (note 2); `error` and `groupchat` not sent |
 *
 * An unknown `type` is `normal` (RFC 6121 §5.2.2). Only children in the
 * stanza's namespace are read (common/src/xmpp/stanza-content.ts).
 */
import type { Element } from "@xmpp/xml";
import { bareJid, jidToSipUri, parseJid, type Jid } from "../../../common/src/address/index.js";
import { failure, type Failure } from "../../../common/src/failure.js";
import { ok, type Result } from "../../../common/src/result.js";
import { callIdForThread, languageTag, sipSubject } from "../../../common/src/sip/header-values.js";
import type { OutgoingMessage } from "../../../common/src/sip/outgoing.js";
import { renderSipRequest, type WireShape } from "../../../common/src/sip/render-request.js";
import { contentChildText } from "../../../common/src/xmpp/stanza-content.js";
import { pickBody } from "./pick-body.js";

export const PAGER_MODE_LIMIT = 1300; // RFC 7572 §6, RFC 3428 §8

export interface XmppToSipContext {
  /** XMPP domains served by the local Prosody: a `from` outside them is spoofed (docs/security.md). Empty = no check. */
  readonly localXmppDomains: ReadonlySet<string>;
  readonly maxSipBytes: number;
  /** Via, tags and CSeq as Kamailio will send them, so the size is exact. */
  readonly wire: WireShape;
}

export type XmppToSipOutcome =
  | { readonly kind: "send"; readonly message: OutgoingMessage; readonly sipBytes: number; readonly from: Jid; readonly to: Jid; readonly stanzaId?: string }
  | { readonly kind: "ignore"; readonly reason: "error-stanza" | "no-body" };

export function xmppToSip(stanza: Element, ctx: XmppToSipContext): Result<XmppToSipOutcome, Failure> {
  if (stanza.name !== "message") return failure("not-a-message", `<${stanza.name}/> is not translated to SIP`);
  // RFC 6121 §5.2.2: no type, or one not understood, MUST be treated as "normal" —
  // which pager mode maps like chat and headline.
  const type = stanza.attrs.type;
  // RFC 6120 §8.3.1 rule 8: an error is never answered, nor turned into a request.
  if (type === "error") return ok({ kind: "ignore", reason: "error-stanza" });
  if (type === "groupchat") return failure("groupchat-unsupported", "groupchat is not mapped to pager mode");

  const from = parseJid(stanza.attrs.from ?? "");
  if (!from.ok) return from;
  const to = parseJid(stanza.attrs.to ?? "");
  if (!to.ok) return to;
  if (ctx.localXmppDomains.size > 0 && !ctx.localXmppDomains.has(from.value.domain)) {
    return failure("spoofed-sender", "from is not in a local XMPP domain");
  }

  const chosen = pickBody(stanza);
  if (chosen === undefined) return ok({ kind: "ignore", reason: "no-body" }); // chat states, receipts: never an empty MESSAGE

  const fromUri = jidToSipUri(from.value, { withGruu: true }); // RFC 7572 §4 note 1: bare JID + ;gr=resource
  if (!fromUri.ok) return fromUri;
  const toUri = jidToSipUri(bareJid(to.value), { withGruu: false });
  if (!toUri.ok) return toUri;
  // A full JID names one device: the GRUU its From carried (docs/mapping.md,
  // "Devices"). Sent to that GRUU only; a bare JID reaches every contact.
  const requestUri = to.value.resource !== undefined ? jidToSipUri(to.value, { withGruu: true }) : toUri;
  if (!requestUri.ok) return requestUri;

  const subject = chosen.subject !== undefined ? sipSubject(chosen.subject) : undefined;
  const contentLanguage = languageTag(chosen.lang);
  const message: OutgoingMessage = {
    requestUri: requestUri.value,
    toUri: toUri.value,
    fromUri: fromUri.value,
    callId: callIdForThread(contentChildText(stanza, "thread")),
    ...(subject !== undefined ? { subject } : {}),
    ...(contentLanguage !== undefined ? { contentLanguage } : {}),
    contentType: "text/plain;charset=UTF-8",
    body: chosen.text,
  };
  const sipBytes = renderSipRequest(message, ctx.wire).length;
  if (sipBytes > ctx.maxSipBytes) {
    return failure("sip-too-large", `message too large for SIP pager mode (${sipBytes} > ${ctx.maxSipBytes} bytes)`);
  }
  const stanzaId = stanza.attrs.id;
  return ok({ kind: "send", message, sipBytes, from: from.value, to: to.value, ...(stanzaId !== undefined ? { stanzaId } : {}) });
}
