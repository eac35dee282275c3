/**
 * SIP MESSAGE → XMPP `<message/>` (RFC 7572 §5, Table 2; RFC 7247 §6.4, §8).
 * Pure: a parsed request and read-only context in, a stanza or a Failure out.
 *
 * | SIP                    | XMPP                                     |
 * |------------------------|------------------------------------------|
 * | Request-URI (or To)    | `to`                                     |
 * | From (+ `gr`)          | `from` (full JID when the GRUU is known) |
 * | Call-ID                | `<thread/>`                              |
 * | Call-ID + CSeq         | `id` and XEP-0359 `<origin-id/>` (stable)|
 * | Subject                | `<subject/>`                             |
 * | Content-Language       | `xml:lang`                               |
 * | body                   | `<body/>` (+ XHTML-IM for text/html)     |
 * | type                   | (none; no `type`, RFC 7572 §5)                    |
 */
import xml, { type Element } from "@xmpp/xml";
import { extractUriFromNameAddr, formatJid, parseSipUri, sipUriPartsToJid, sipUriToJid, type Jid } from "../../../common/src/address/index.js";
import { failure, type Failure } from "../../../common/src/failure.js";
import { ok, type Result } from "../../../common/src/result.js";
import { header, type SipRequest } from "../../../common/src/sip/message.js";
import { languageTag, HEADER_CAPS, capText } from "../../../common/src/sip/header-values.js";
import { bodyFromSip } from "./content/sip-body.js";
import { stripXmlForbidden } from "./content/xml-chars.js";
import { cseqNumber, ORIGIN_ID_NS, sipMessageId } from "./message-id.js";

export interface SipToXmppContext {
  /** Local SIP domains: a From outside them is spoofed (docs/security.md). Empty = no check. */
  readonly localSipDomains: ReadonlySet<string>;
  /** The stanza size the XMPP side accepts (RFC 6120 §13.12: at least 10000). */
  readonly maxStanzaBytes: number;
}

export interface XmppMessageOut {
  readonly stanza: Element;
  readonly xml: string;
  readonly from: Jid;
  readonly to: Jid;
  /** RFC 7247 §7.1 notes 1–2: errors about a bare JID map to 6xx, full JID to 4xx. */
  readonly target: "bare" | "full";
}

export function sipToXmpp(req: SipRequest, ctx: SipToXmppContext): Result<XmppMessageOut, Failure> {
  if (req.method !== "MESSAGE") return failure("not-a-message", `method ${req.method} is not translated`);
  const maxForwards = header(req, "max-forwards");
  if (maxForwards !== undefined && /^\d+$/.test(maxForwards) && Number(maxForwards) === 0) {
    return failure("too-many-hops", "Max-Forwards is 0"); // RFC 3261 §16.3
  }

  const toHeader = header(req, "to");
  const fromHeader = header(req, "from");
  if (toHeader === undefined || fromHeader === undefined) return failure("sip-malformed", "From and To are required");
  // RFC 3261 §8.1.1: Call-ID and CSeq are mandatory; together they give the stanza its id.
  const callId = header(req, "call-id");
  if (callId === undefined || callId === "") return failure("sip-malformed", "Call-ID is required");
  const cseq = cseqNumber(header(req, "cseq"));
  if (!cseq.ok) return cseq;
  const id = sipMessageId(callId, cseq.value);
  const toAddr = extractUriFromNameAddr(toHeader);
  if (!toAddr.ok) return toAddr;
  // RFC 7247 §8: a sips: Request-URI *or* To is never translated. Only the
  // scheme of To matters here (the Request-URI names the target).
  const toUri = parseSipUri(toAddr.value.uri);
  if (toUri.ok && toUri.value.scheme === "sips") {
    const refused = sipUriPartsToJid(toUri.value, "to"); // always sips-not-allowed, with its Warning
    if (!refused.ok) return refused;
  }
  const to = sipUriToJid(req.requestUri, "ruri");
  if (!to.ok) return to;

  const fromAddr = extractUriFromNameAddr(fromHeader);
  if (!fromAddr.ok) return fromAddr;
  const fromUri = parseSipUri(fromAddr.value.uri);
  if (!fromUri.ok) return fromUri;
  const from = sipUriPartsToJid(fromUri.value, "from");
  if (!from.ok) return from;
  if (ctx.localSipDomains.size > 0 && !ctx.localSipDomains.has(fromUri.value.host)) {
    return failure("spoofed-sender", "From is not in a local SIP domain");
  }

  const content = bodyFromSip(header(req, "content-type"), req.body, {
    authenticatedFrom: fromAddr.value.uri,
    sameUser: (cpimFrom) => sameAddress(cpimFrom, from.value),
  });
  if (!content.ok) return content;

  const lang = languageTag(header(req, "content-language")) ?? content.value.lang;
  const subject = clean(header(req, "subject") ?? content.value.subject, HEADER_CAPS.subject);
  const thread = clean(callId, 1024);
  const stanza = xml(
    "message",
    { from: formatJid(from.value), to: formatJid(to.value), id, "xml:lang": lang },
    subject !== undefined ? xml("subject", {}, subject) : null,
    xml("body", {}, content.value.text),
    thread !== undefined ? xml("thread", {}, thread) : null,
    content.value.xhtml,
    xml("origin-id", { xmlns: ORIGIN_ID_NS, id }),
  );
  const text = stanza.toString();
  if (Buffer.byteLength(text, "utf8") > ctx.maxStanzaBytes) {
    return failure("body-too-large", `stanza would exceed ${ctx.maxStanzaBytes} bytes`);
  }
  return ok({ stanza, xml: text, from: from.value, to: to.value, target: to.value.resource === undefined ? "bare" : "full" });
}

function clean(s: string | undefined, cap: number): string | undefined {
  if (s === undefined) return undefined;
  const v = capText(stripXmlForbidden(s).trim(), cap);
  return v === "" ? undefined : v;
}

/** CPIM From must name the same user as the SIP From (docs/content.md "message/cpim"). */
function sameAddress(cpimFrom: string, sipFrom: Jid): boolean {
  const inner = sipUriToJid(cpimFrom, "from");
  return inner.ok && inner.value.local === sipFrom.local && inner.value.domain === sipFrom.domain;
}
