/**
 * message/cpim (RFC 3862; docs/content.md). The SIP body is:
 *
 *   message headers (RFC 3862 §3: `Name:[;param] value`, case-sensitive names, UTF-8)
 *   empty line
 *   MIME headers of the encapsulated object (must include Content-Type)
 *   empty line
 *   the object's content
 *
 * Only the core headers are read (From, To, DateTime, Subject, Require);
 * namespaced and unknown headers are ignored. A `Require` naming anything is
 * refused with 415 (we implement no CPIM extension), as are signed or
 * encrypted contents (translating them would break them; docs/security.md).
 * The content is returned with its transfer encoding removed, not decoded as
 * text: the inner Content-Type's charset governs that.
 */
import { ok, type Result } from "../../../../common/src/result.js";
import { failure, type Failure } from "../../../../common/src/failure.js";
import { ACCEPTED_TYPES } from "./accepted-types.js";
import { mediaType, parseContentType } from "./content-type.js";
import { mimeHeader, singleLanguageTag, splitHeaderBlock, type HeaderLine } from "./mime-headers.js";
import { decodeTransferEncoding } from "./transfer-encoding.js";

export interface CpimSubject {
  readonly text: string;
  readonly lang?: string;
}

export interface CpimMessage {
  /** URI of the CPIM `From` (inside `<>`). */
  readonly from?: string;
  readonly to: string[];
  readonly subject?: CpimSubject[];
  /** RFC 3339 timestamp as sent; an invalid one is left out. */
  readonly dateTime?: string;
  readonly require?: string[];
  /** The encapsulated object's Content-Type header value. */
  readonly contentType: string;
  /** Its Content-Language, when it is a single tag. */
  readonly contentLanguage?: string;
  readonly body: Uint8Array;
}

/** Media types that carry signatures or encryption (RFC 1847, RFC 8551, RFC 3156). */
const SECURED = new Set([
  "multipart/signed", "multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime",
  "application/pkcs7-signature", "application/x-pkcs7-signature", "application/pgp-encrypted",
  "application/pgp-signature", "application/pkcs7-encrypted",
]);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** `parseCpim(bytes("From: <sip:a@x>\r\nTo: <sip:b@y>\r\n\r\nContent-Type: text/plain\r\n\r\nhi"))`. */
export function parseCpim(bytes: Uint8Array): Result<CpimMessage, Failure> {
  const outer = splitHeaderBlock(bytes, false);
  if (!outer.ok) return outer;
  const inner = splitHeaderBlock(outer.value.rest, true);
  if (!inner.ok) return inner;

  let from: string | undefined;
  const to: string[] = [];
  const subject: CpimSubject[] = [];
  const require: string[] = [];
  let dateTime: string | undefined;
  for (const h of outer.value.headers) {
    const { params, value } = splitCpimValue(h);
    switch (h.name) {
      case "From": {
        if (from !== undefined) return failure("sip-malformed", "CPIM: more than one From");
        const uri = angleUri(value);
        if (uri === undefined) return failure("sip-malformed", "CPIM: bad From");
        from = uri;
        break;
      }
      case "To": {
        const uri = angleUri(value);
        if (uri === undefined) return failure("sip-malformed", "CPIM: bad To");
        to.push(uri);
        break;
      }
      case "DateTime":
        if (DATE_TIME.test(value)) dateTime = value;
        break;
      case "Subject": {
        const lang = singleLanguageTag(params.get("lang"));
        subject.push({ text: unescapeCpim(value), ...(lang !== undefined ? { lang } : {}) });
        break;
      }
      case "Require":
        require.push(...value.split(",").map((r) => r.trim()).filter((r) => r !== ""));
        break;
      default: // cc, NS, namespaced extension headers: not needed for pager mode
    }
  }
  if (require.length > 0) {
    return failure("unsupported-media-type", "CPIM Require names an unsupported extension", { accept: ACCEPTED_TYPES });
  }

  const contentType = mimeHeader(inner.value.headers, "Content-Type");
  if (contentType === undefined) return failure("sip-malformed", "CPIM content has no Content-Type");
  const ct = parseContentType(contentType);
  if (!ct.ok) return ct;
  if (SECURED.has(mediaType(ct.value))) {
    return failure("unsupported-media-type", "signed or encrypted CPIM cannot be translated", { accept: ACCEPTED_TYPES });
  }
  const body = decodeTransferEncoding(mimeHeader(inner.value.headers, "Content-Transfer-Encoding"), inner.value.rest);
  if (!body.ok) return body;
  const contentLanguage = singleLanguageTag(mimeHeader(inner.value.headers, "Content-Language"));
  return ok({
    to,
    contentType,
    body: body.value,
    ...(from !== undefined ? { from } : {}),
    ...(subject.length > 0 ? { subject } : {}),
    ...(dateTime !== undefined ? { dateTime } : {}),
    ...(contentLanguage !== undefined ? { contentLanguage } : {}),
  });
}

/** RFC 3862 §3.1: `Name:;p1=v1;p2=v2 value` — parameters sit between the colon and the space. */
function splitCpimValue(h: HeaderLine): { params: Map<string, string>; value: string } {
  const params = new Map<string, string>();
  let v = h.value;
  while (v.startsWith(";")) {
    const rel = v.slice(1).search(/[; ]/);
    const end = rel < 0 ? -1 : rel + 1;
    const param = end < 0 ? v.slice(1) : v.slice(1, end);
    const eq = param.indexOf("=");
    if (eq > 0) params.set(param.slice(0, eq).toLowerCase(), param.slice(eq + 1));
    v = end < 0 ? "" : v.slice(end);
  }
  return { params, value: v.trim() };
}

/** `Formal-name <URI>` → URI (RFC 3862 §3.3.1); the URI must be non-empty and blank-free. */
function angleUri(value: string): string | undefined {
  const m = /<([^<>\s]+)>$/.exec(value);
  return m?.[1];
}

/** RFC 3862 §3.1 escapes: \uXXXX \\ \" \' \b \t \n \r; anything else stays as written. */
function unescapeCpim(s: string): string {
  return s.replace(/\\(u[0-9A-Fa-f]{4}|[\\"'btnr])/g, (_, e: string) => {
    if (e.length === 5) return String.fromCharCode(parseInt(e.slice(1), 16));
    return ({ "\\": "\\", '"': '"', "'": "'", b: "\b", t: "\t", n: "\n", r: "\r" } as Record<string, string>)[e] ?? e;
  });
}
