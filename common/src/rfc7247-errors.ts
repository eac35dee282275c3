/**
 * RFC 7247 §7 error mapping (docs/errors.md): XMPP stanza errors → SIP final
 * responses (Table 2) and SIP final responses → XMPP stanza errors (Table 3).
 * Pure and table-driven; the choices where the RFC leaves room are listed in
 * docs/errors.md.
 */
import { isStanzaCondition, type StanzaCondition, type StanzaErrorType } from "./stanza-errors.js";
import { reasonPhrase, sanitiseReasonText } from "./sip-reasons.js";

export { reasonPhrase } from "./sip-reasons.js";

/** What a SIP UAS answers. `contact` for 301/302, `allow` for 405 (RFC 3261 §21.4.6). */
export interface SipAnswer {
  code: number;
  reason: string;
  contact?: string;
  allow?: string;
}

// ---------------------------------------------------------------------------
// Table 2: XMPP condition → SIP
// ---------------------------------------------------------------------------

export interface XmppToSipRow {
  /** Code when the errored stanza was addressed to a full JID (RFC 7247 §7.1 notes 1, 2). */
  readonly full: number;
  /** Code when it was addressed to a bare JID. */
  readonly bare: number;
  /** Replaces full/bare when its condition holds (notes 3, 4). */
  readonly alt?: { readonly code: number; readonly when: "text-has-address" | "resolution-timed-out" };
}

/** RFC 7247 Table 2 as implemented (docs/errors.md). */
export const XMPP_TO_SIP_TABLE = {
  "bad-request": { full: 400, bare: 400 },
  "conflict": { full: 400, bare: 400 },
  "feature-not-implemented": { full: 405, bare: 501 }, // note 1: 405 (with Allow) full, 501 bare
  "forbidden": { full: 403, bare: 603 }, // note 2
  "gone": { full: 410, bare: 410, alt: { code: 301, when: "text-has-address" } }, // note 3: MUST
  "internal-server-error": { full: 500, bare: 500 },
  "item-not-found": { full: 404, bare: 604 }, // note 2
  "jid-malformed": { full: 400, bare: 400 },
  "not-acceptable": { full: 406, bare: 606 }, // note 2
  "not-allowed": { full: 403, bare: 403 },
  "not-authorized": { full: 401, bare: 401 },
  "policy-violation": { full: 403, bare: 403 },
  "recipient-unavailable": { full: 480, bare: 600 }, // note 2
  "redirect": { full: 302, bare: 302 },
  "registration-required": { full: 407, bare: 407 },
  "remote-server-not-found": { full: 404, bare: 404, alt: { code: 408, when: "resolution-timed-out" } }, // note 4
  "remote-server-timeout": { full: 408, bare: 408 },
  "resource-constraint": { full: 500, bare: 500 },
  "service-unavailable": { full: 403, bare: 403 }, // note 5: never 503; 403 is our default
  "subscription-required": { full: 400, bare: 400 },
  "undefined-condition": { full: 400, bare: 400 },
  "unexpected-request": { full: 491, bare: 491 }, // "491 or 400": 491 kept
} as const satisfies Record<StanzaCondition, XmppToSipRow>;

/** The method list sent in `Allow` with a 405 (RFC 3261 §21.4.6). */
export const ALLOW_ON_405 = "MESSAGE";

export interface StanzaErrorInput {
  condition: string;
  /** Whether the errored stanza was addressed to a bare or a full JID (Table 2 notes 1, 2). */
  target: "bare" | "full";
  /** Character data of `<gone/>` / `<redirect/>` (RFC 6120 §8.3.3.5, §8.3.3.14), else the `<text/>`. */
  text?: string;
  /** The bridge itself saw DNS resolution / connection time out (note 4 → 408). */
  resolutionTimedOut?: boolean;
  /** Converts a JID taken from an `xmpp:` IRI into a SIP URI (the RFC 7247 §6.5 encoder); without it the JID is returned as-is. */
  jidToUri?: (jid: string) => string | undefined;
}

/**
 * RFC 7247 Table 2. `sipAnswerForStanzaError({condition: "item-not-found", target: "bare"})`
 * → `{code: 604, reason: "Does Not Exist Anywhere"}`. Unknown conditions are
 * `undefined-condition` (RFC 6120 §8.3.2) → 400. The reason is always the
 * standard phrase: `<text/>` is not copied into a SIP header (docs/security.md).
 */
export function sipAnswerForStanzaError(e: StanzaErrorInput): SipAnswer {
  const condition: StanzaCondition = isStanzaCondition(e.condition) ? e.condition : "undefined-condition";
  const row: XmppToSipRow = XMPP_TO_SIP_TABLE[condition];
  const address = condition === "gone" || condition === "redirect" ? addressFromText(e.text, e.jidToUri) : undefined;
  let code = e.target === "full" ? row.full : row.bare;
  if (row.alt?.when === "text-has-address" && address !== undefined) code = row.alt.code;
  if (row.alt?.when === "resolution-timed-out" && e.resolutionTimedOut === true) code = row.alt.code;
  const answer: SipAnswer = { code, reason: reasonPhrase(code) };
  if ((code === 301 || code === 302) && address !== undefined) answer.contact = address;
  if (code === 405) answer.allow = ALLOW_ON_405;
  return answer;
}

const IM_URI = /^(?:sips?|im|pres):[^\s<>"\\]+$/i;
const MAX_ADDRESS = 1024;

/** A new address in `<gone/>`/`<redirect/>` text: an `xmpp:` IRI (→ JID → jidToUri) or a sip/sips/im/pres URI (kept). */
function addressFromText(text: string | undefined, jidToUri?: (jid: string) => string | undefined): string | undefined {
  const t = text?.trim();
  if (!t || t.length > MAX_ADDRESS) return undefined;
  if (/^xmpp:/i.test(t)) {
    const jid = jidFromXmppIri(t);
    if (jid === undefined) return undefined;
    if (!jidToUri) return jid;
    const uri = jidToUri(jid);
    return uri !== undefined && IM_URI.test(uri) ? uri : undefined;
  }
  return IM_URI.test(t) ? t : undefined;
}

/** RFC 5122 §2.2: `xmpp:[//authority/]jid[?query][#fragment]`, IRI %-escapes decoded. */
function jidFromXmppIri(iri: string): string | undefined {
  let rest = iri.slice("xmpp:".length);
  if (rest.startsWith("//")) {
    const slash = rest.indexOf("/", 2);
    if (slash < 0) return undefined;
    rest = rest.slice(slash + 1);
  }
  const cut = rest.search(/[?#]/);
  if (cut >= 0) rest = rest.slice(0, cut);
  let jid: string;
  try {
    jid = decodeURIComponent(rest);
  } catch {
    return undefined;
  }
  const bare = jid.split("/")[0] ?? "";
  const domain = bare.slice(bare.indexOf("@") + 1);
  if (domain === "" || /[\s<>"\p{Cc}]/u.test(jid)) return undefined;
  return jid;
}

// ---------------------------------------------------------------------------
// Table 3: SIP → XMPP condition + type
// ---------------------------------------------------------------------------

export interface SipToXmppRow {
  readonly condition: StanzaCondition;
  readonly type: StanzaErrorType;
}

/** RFC 7247 Table 3 conditions; the RFC gives no types, these follow RFC 6120 §8.3.3 (docs/errors.md). */
export const SIP_TO_XMPP_TABLE = {
  300: { condition: "redirect", type: "modify" },
  301: { condition: "gone", type: "cancel" }, // note 1: carries the Contact
  302: { condition: "redirect", type: "modify" },
  305: { condition: "redirect", type: "modify" },
  380: { condition: "not-acceptable", type: "modify" },
  400: { condition: "bad-request", type: "modify" },
  401: { condition: "not-authorized", type: "auth" },
  402: { condition: "bad-request", type: "modify" }, // note 2
  403: { condition: "forbidden", type: "auth" }, // note 3
  404: { condition: "item-not-found", type: "cancel" }, // note 4
  405: { condition: "feature-not-implemented", type: "cancel" },
  406: { condition: "not-acceptable", type: "modify" },
  407: { condition: "registration-required", type: "auth" },
  408: { condition: "remote-server-timeout", type: "wait" },
  410: { condition: "gone", type: "cancel" }, // note 1: no address
  413: { condition: "policy-violation", type: "modify" },
  414: { condition: "policy-violation", type: "modify" },
  415: { condition: "not-acceptable", type: "modify" },
  416: { condition: "not-acceptable", type: "modify" },
  420: { condition: "feature-not-implemented", type: "cancel" },
  421: { condition: "not-acceptable", type: "modify" },
  423: { condition: "resource-constraint", type: "wait" },
  430: { condition: "recipient-unavailable", type: "wait" },
  439: { condition: "feature-not-implemented", type: "cancel" },
  440: { condition: "policy-violation", type: "modify" },
  480: { condition: "recipient-unavailable", type: "wait" },
  481: { condition: "item-not-found", type: "cancel" },
  482: { condition: "not-acceptable", type: "modify" },
  483: { condition: "not-acceptable", type: "modify" },
  484: { condition: "item-not-found", type: "cancel" },
  485: { condition: "item-not-found", type: "cancel" },
  486: { condition: "recipient-unavailable", type: "wait" },
  487: { condition: "recipient-unavailable", type: "wait" },
  488: { condition: "not-acceptable", type: "modify" },
  489: { condition: "policy-violation", type: "modify" },
  491: { condition: "unexpected-request", type: "wait" },
  493: { condition: "bad-request", type: "modify" },
  500: { condition: "internal-server-error", type: "cancel" },
  501: { condition: "feature-not-implemented", type: "cancel" },
  502: { condition: "remote-server-not-found", type: "cancel" },
  503: { condition: "internal-server-error", type: "cancel" }, // note 7: never service-unavailable
  504: { condition: "remote-server-timeout", type: "wait" },
  505: { condition: "not-acceptable", type: "modify" },
  513: { condition: "policy-violation", type: "modify" },
  600: { condition: "recipient-unavailable", type: "wait" },
  603: { condition: "recipient-unavailable", type: "cancel" }, // note 8: Decline is final → cancel (our choice)
  604: { condition: "item-not-found", type: "cancel" },
  606: { condition: "not-acceptable", type: "modify" },
} as const satisfies Record<number, SipToXmppRow>;

/** RFC 7247 §7.2: unlisted codes map by class (the RFC's `<internal-server-error>` typo fixed). */
export const SIP_CLASS_DEFAULTS = {
  3: { condition: "redirect", type: "modify" },
  4: { condition: "bad-request", type: "modify" },
  5: { condition: "internal-server-error", type: "cancel" },
  6: { condition: "recipient-unavailable", type: "wait" },
} as const satisfies Record<3 | 4 | 5 | 6, SipToXmppRow>;

/** Codes that would reveal availability; masked as service-unavailable when leakSafe (RFC 6120 §8.3.3.19, docs/errors.md). */
export const LEAK_SAFE_CODES: ReadonlySet<number> = new Set([404, 480, 486, 600, 604]);

export interface SipAnswerInput {
  code: number;
  reason?: string;
  /** The Contact header value (first one used); becomes the `<gone/>`/`<redirect/>` address. */
  contact?: string;
  /** The XMPP sender may not learn the SIP user's availability (RFC 6120 §8.3.3.19). */
  leakSafe?: boolean;
  /** Seconds from a Retry-After on a 503: type becomes `wait` and the delay goes in the text. */
  retryAfter?: number;
}

export interface MappedStanzaError {
  condition: StanzaCondition;
  type: StanzaErrorType;
  text?: string;
  /** New address for 301 (RFC 7247 Table 3 note 1). */
  gone?: string;
  /** Alternate address for 3xx → `<redirect/>` when a Contact was given. */
  redirect?: string;
}

/**
 * RFC 7247 Table 3. `stanzaErrorForSipAnswer({code: 486})` →
 * `{condition: "recipient-unavailable", type: "wait", text: "Busy Here"}`;
 * 1xx/2xx → null; a code outside 100..699 → undefined-condition/cancel.
 */
export function stanzaErrorForSipAnswer(a: SipAnswerInput): MappedStanzaError | null {
  const { code } = a;
  if (!Number.isInteger(code) || code < 100 || code > 699) return { condition: "undefined-condition", type: "cancel" };
  if (code < 300) return null;
  if (a.leakSafe === true && LEAK_SAFE_CODES.has(code)) return { condition: "service-unavailable", type: "cancel" };
  const row: SipToXmppRow =
    (SIP_TO_XMPP_TABLE as Record<number, SipToXmppRow | undefined>)[code] ??
    SIP_CLASS_DEFAULTS[Math.floor(code / 100) as 3 | 4 | 5 | 6];
  const out: MappedStanzaError = { condition: row.condition, type: row.type };
  let text = sanitiseReasonText(a.reason ?? "") || reasonPhrase(code);
  const retry = a.retryAfter;
  if (code === 503 && retry !== undefined && Number.isInteger(retry) && retry >= 0) {
    out.type = "wait";
    text = sanitiseReasonText(`${text} (retry after ${retry} s)`);
  }
  out.text = text;
  const address = contactUri(a.contact);
  if (code === 301 && address !== undefined) out.gone = address;
  if (row.condition === "redirect" && address !== undefined) out.redirect = address;
  return out;
}

/** The URI of the first Contact value: `"A" <sip:a@b>;q=1, …` → `sip:a@b`. */
function contactUri(contact: string | undefined): string | undefined {
  if (contact === undefined) return undefined;
  const lt = contact.indexOf("<");
  let uri: string;
  if (lt >= 0) {
    const gt = contact.indexOf(">", lt);
    if (gt < 0) return undefined;
    uri = contact.slice(lt + 1, gt);
  } else {
    uri = contact.split(/[,;]/)[0] ?? "";
  }
  uri = uri.trim();
  return uri.length <= MAX_ADDRESS && /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"\\\p{Cc}]+$/u.test(uri) ? uri : undefined;
}
