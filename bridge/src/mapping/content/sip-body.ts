/**
 * The body of an inbound SIP MESSAGE → what goes into the stanza (RFC 7572 §7,
 * RFC 3428). Policy, in docs/content.md:
 *
 * * text/plain (charset honoured) → text.                 RFC 7572 §7 MUST
 * * text/html → plain text + sanitised XHTML-IM.          RFC 7572 §7 SHOULD
 * * message/cpim → unwrapped; its From must be the authenticated sender
 *   (403 otherwise); the content must be text/plain or text/html. RFC 3862
 * * multipart/alternative → the last text/plain part for the text, the last
 *   text/html part for XHTML-IM (RFC 2046 §5.1.4: last = preferred).
 * * anything else → 415 with Accept: ACCEPTED_TYPES.      RFC 3428 Table 1
 * * a non-empty body without Content-Type → 400 (RFC 3261 §20.15 MUST).
 * * empty body, or no text left after cleaning → 400 empty-message.
 * Text is cleaned of XML-forbidden characters and CRLF/CR become LF.
 */
import type { Element } from "@xmpp/xml";
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";
import { ACCEPTED_TYPES } from "./accepted-types.js";
import { decodeText } from "./charset.js";
import { mediaType, parseContentType, type ContentType } from "./content-type.js";
import { parseCpim, type CpimSubject } from "./cpim.js";
import { mimeHeader, singleLanguageTag } from "./mime-headers.js";
import { parseMultipart } from "./multipart.js";
import { decodeTransferEncoding } from "./transfer-encoding.js";
import { htmlToXhtmlIm } from "./xhtml-im.js";
import { stripXmlForbidden } from "./xml-chars.js";

export { ACCEPTED_TYPES } from "./accepted-types.js";

export interface SipBodyContext {
  /** The authenticated SIP From URI. */
  readonly authenticatedFrom: string;
  /** Whether a CPIM From URI names the same user as the authenticated From (schemes may differ: im: vs sip:). */
  readonly sameUser: (cpimFromUri: string) => boolean;
}

export interface StanzaContent {
  readonly text: string;
  readonly xhtml: Element | null;
  /** Content-Language of the chosen part / CPIM content, or the CPIM Subject's lang. */
  readonly lang?: string;
  /** CPIM Subject (the one without lang, else the first). */
  readonly subject?: string;
  /** CPIM DateTime (RFC 3339), for an optional XEP-0203 `<delay stamp>` (docs/content.md). */
  readonly dateTime?: string;
}

interface Leaf { text: string; xhtml: Element | null; lang?: string }

/** `bodyFromSip("text/plain;charset=utf-8", bytes("hi"), ctx)` → ok({text: "hi", xhtml: null}). */
export function bodyFromSip(contentType: string | undefined, body: Uint8Array, ctx: SipBodyContext): Result<StanzaContent, Failure> {
  if (body.length === 0) return failure("empty-message", "MESSAGE has no body");
  if (contentType === undefined || contentType.trim() === "") {
    return failure("sip-malformed", "non-empty body without Content-Type (RFC 3261 §20.15)");
  }
  const ct = parseContentType(contentType);
  if (!ct.ok) return ct;

  let leaf: Result<Leaf, Failure>;
  let subjects: CpimSubject[] | undefined;
  let dateTime: string | undefined;
  switch (mediaType(ct.value)) {
    case "text/plain":
    case "text/html":
      leaf = textLeaf(ct.value, body);
      break;
    case "multipart/alternative":
      leaf = alternative(ct.value, body);
      break;
    case "message/cpim": {
      const cpim = parseCpim(body);
      if (!cpim.ok) return cpim;
      const claimed = cpim.value.from;
      if (claimed !== undefined && claimed !== ctx.authenticatedFrom && !ctx.sameUser(claimed)) {
        return failure("cpim-sender-mismatch", "CPIM From is not the authenticated sender");
      }
      const inner = parseContentType(cpim.value.contentType);
      if (!inner.ok) return inner;
      const type = mediaType(inner.value);
      if (type !== "text/plain" && type !== "text/html") return unsupported(`CPIM content ${type} not translated`);
      leaf = textLeaf(inner.value, cpim.value.body);
      if (leaf.ok && cpim.value.contentLanguage !== undefined) leaf = ok({ ...leaf.value, lang: cpim.value.contentLanguage });
      subjects = cpim.value.subject;
      dateTime = cpim.value.dateTime;
      break;
    }
    default:
      return unsupported(`${mediaType(ct.value)} not translated`);
  }
  if (!leaf.ok) return leaf;

  const text = stripXmlForbidden(leaf.value.text).replace(/\r\n?/g, "\n");
  if (text.trim() === "") return failure("empty-message", "no text left in the body");
  const subject = subjects?.find((s) => s.lang === undefined) ?? subjects?.[0];
  const lang = leaf.value.lang ?? subject?.lang;
  return ok({
    text,
    xhtml: leaf.value.xhtml,
    ...(lang !== undefined ? { lang } : {}),
    ...(subject !== undefined ? { subject: subject.text } : {}),
    ...(dateTime !== undefined ? { dateTime } : {}),
  });
}

/** text/plain or text/html bytes → text (+ XHTML-IM for html). */
function textLeaf(ct: ContentType, bytes: Uint8Array): Result<Leaf, Failure> {
  const decoded = decodeText(bytes, ct.params.get("charset"));
  if (!decoded.ok) return decoded;
  if (ct.subtype === "html") return ok(htmlToXhtmlIm(decoded.value));
  return ok({ text: decoded.value, xhtml: null });
}

/** RFC 2046 §5.1.4: alternatives in increasing preference; take the last plain and the last html. */
function alternative(ct: ContentType, body: Uint8Array): Result<Leaf, Failure> {
  const boundary = ct.params.get("boundary");
  if (boundary === undefined) return failure("sip-malformed", "multipart without boundary");
  const parts = parseMultipart(body, boundary);
  if (!parts.ok) return parts;
  let plain: { ct: ContentType; bytes: Uint8Array; lang?: string } | undefined;
  let html: { ct: ContentType; bytes: Uint8Array } | undefined;
  for (const part of parts.value) {
    // RFC 2046 §5.1: a part without Content-Type is text/plain.
    const pct = parseContentType(mimeHeader(part.headers, "Content-Type") ?? "text/plain");
    if (!pct.ok || pct.value.type !== "text" || (pct.value.subtype !== "plain" && pct.value.subtype !== "html")) continue;
    const bytes = decodeTransferEncoding(mimeHeader(part.headers, "Content-Transfer-Encoding"), part.body);
    if (!bytes.ok) continue;
    if (pct.value.subtype === "html") html = { ct: pct.value, bytes: bytes.value };
    else {
      const lang = singleLanguageTag(mimeHeader(part.headers, "Content-Language"));
      plain = { ct: pct.value, bytes: bytes.value, ...(lang !== undefined ? { lang } : {}) };
    }
  }
  if (plain === undefined && html === undefined) return unsupported("no text/plain or text/html alternative");
  const fromHtml = html !== undefined ? textLeaf(html.ct, html.bytes) : undefined;
  if (plain === undefined) return fromHtml!;
  const fromPlain = textLeaf(plain.ct, plain.bytes);
  if (!fromPlain.ok) return fromHtml?.ok ? fromHtml : fromPlain;
  return ok({
    text: fromPlain.value.text,
    xhtml: fromHtml?.ok ? fromHtml.value.xhtml : null,
    ...(plain.lang !== undefined ? { lang: plain.lang } : {}),
  });
}

function unsupported(detail: string): Result<never, Failure> {
  return failure("unsupported-media-type", detail, { accept: ACCEPTED_TYPES });
}
