/**
 * The only way stox builds SIP header values from foreign text (docs/security.md):
 * each function removes or refuses CR, LF, NUL and other controls, enforces the
 * header's grammar and caps the length. A value that cannot be made safe is
 * dropped (undefined) or replaced by a derived, valid one — never passed raw.
 */
import { createHash, randomBytes } from "node:crypto";
import { sanitiseReasonText } from "../sip-reasons.js";

export const HEADER_CAPS = { subject: 256, callId: 128, reason: 128, languageTag: 64 } as const;

const CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function capText(s: string, max: number): string {
  if (s.length <= max) return s;
  const cut = s.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Subject (RFC 3261 §20.36, TEXT-UTF8): controls become spaces. `sipSubject("hi\r\nX: 1")` → `"hi X: 1"`. */
export function sipSubject(text: string): string | undefined {
  const clean = capText(toWellFormed(text).replace(CONTROLS, " ").replace(/ {2,}/g, " ").trim(), HEADER_CAPS.subject).trim();
  return clean === "" ? undefined : clean;
}

/** Reason-Phrase / `<text/>`: printable text only. `reasonText("Busy\r\nX")` → `"Busy X"` (one sanitiser: sip-reasons.ts). */
export function reasonText(text: string): string {
  return sanitiseReasonText(text, HEADER_CAPS.reason);
}

// RFC 3261 §25: word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" /
//   "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")
const WORD = "[A-Za-z0-9\\-.!%*_+`'~()<>:\\\\\"/\\[\\]?{}]+";
const CALL_ID = new RegExp(`^${WORD}(@${WORD})?$`);

export function isValidCallId(s: string): boolean {
  return s.length <= HEADER_CAPS.callId && CALL_ID.test(s);
}

/**
 * RFC 7572 Table 1: `<thread/>` → Call-ID. A thread that does not fit the
 * Call-ID grammar is replaced by a stable derived value (docs/mapping.md), so one
 * thread always yields the same Call-ID. `callIdForThread("a b")` → `"t-…"`.
 */
export function callIdForThread(thread: string | undefined): string {
  if (thread === undefined || thread === "") return newCallId();
  if (isValidCallId(thread)) return thread;
  return "t-" + createHash("sha256").update(thread, "utf8").digest("base64url").slice(0, 32);
}

export function newCallId(): string {
  return randomBytes(16).toString("hex") + "@stox";
}

/** A From tag (RFC 3261 §19.3: at least 32 bits of randomness). */
export function newTag(): string {
  return randomBytes(8).toString("hex");
}

export function newBranch(): string {
  return "z9hG4bK" + randomBytes(12).toString("hex");
}

// BCP 47 shape (RFC 5646 §2.1), loose on subtags but strict on characters.
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** `languageTag("en-GB")` → `"en-GB"`; anything else → undefined (dropped, not injected). */
export function languageTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  const t = tag.trim();
  return t.length <= HEADER_CAPS.languageTag && LANGUAGE_TAG.test(t) ? t : undefined;
}

/** Lone surrogates would become U+FFFD on the wire anyway; make that explicit. */
function toWellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}
