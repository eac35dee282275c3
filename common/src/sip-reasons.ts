/**
 * Standard SIP reason phrases, and the sanitiser for phrases that cross
 * into XMPP `<text/>` (printable characters only, bounded; docs/errors.md).
 *
 * Phrases are the ones printed in the defining RFC (RFC 3261 §21 unless the
 * comment names another); a peer may send any phrase, these are what we emit.
 */

export const SIP_REASON_PHRASES = {
  100: "Trying",
  180: "Ringing",
  181: "Call Is Being Forwarded",
  182: "Queued",
  183: "Session Progress",
  199: "Early Dialog Terminated", // RFC 6228
  200: "OK",
  202: "Accepted", // RFC 3428 §7, RFC 6665
  204: "No Notification", // RFC 5839
  300: "Multiple Choices",
  301: "Moved Permanently",
  302: "Moved Temporarily",
  305: "Use Proxy",
  380: "Alternative Service",
  400: "Bad Request",
  401: "Unauthorized",
  402: "Payment Required",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  407: "Proxy Authentication Required",
  408: "Request Timeout",
  410: "Gone",
  412: "Conditional Request Failed", // RFC 3903
  413: "Request Entity Too Large",
  414: "Request-URI Too Long",
  415: "Unsupported Media Type",
  416: "Unsupported URI Scheme",
  417: "Unknown Resource-Priority", // RFC 4412
  420: "Bad Extension",
  421: "Extension Required",
  422: "Session Interval Too Small", // RFC 4028
  423: "Interval Too Brief",
  428: "Use Identity Header", // RFC 4474
  429: "Provide Referrer Identity", // RFC 3892
  430: "Flow Failed", // RFC 5626
  433: "Anonymity Disallowed", // RFC 5079
  439: "First Hop Lacks Outbound Support", // RFC 5626
  440: "Max-Breadth Exceeded", // RFC 5393
  469: "Bad Info Package", // RFC 6086
  470: "Consent Needed", // RFC 5360
  480: "Temporarily Unavailable",
  481: "Call/Transaction Does Not Exist",
  482: "Loop Detected",
  483: "Too Many Hops",
  484: "Address Incomplete",
  485: "Ambiguous",
  486: "Busy Here",
  487: "Request Terminated",
  488: "Not Acceptable Here",
  489: "Bad Event", // RFC 6665
  491: "Request Pending",
  493: "Undecipherable",
  494: "Security Agreement Required", // RFC 3329
  500: "Server Internal Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Server Time-out",
  505: "Version Not Supported",
  513: "Message Too Large",
  580: "Precondition Failure", // RFC 3312
  600: "Busy Everywhere",
  603: "Decline",
  604: "Does Not Exist Anywhere",
  606: "Not Acceptable",
  607: "Unwanted", // RFC 8197
  608: "Rejected", // RFC 8688
} as const satisfies Record<number, string>;

/** RFC 3261 §21 section titles, used for codes no RFC names. */
const CLASS_PHRASES = ["Unknown", "Provisional", "Successful", "Redirection", "Request Failure", "Server Failure", "Global Failure"] as const;

/** `reasonPhrase(480)` → "Temporarily Unavailable"; unlisted codes get their class title ("Request Failure"). */
export function reasonPhrase(code: number): string {
  const known = (SIP_REASON_PHRASES as Record<number, string | undefined>)[code];
  if (known !== undefined) return known;
  if (!Number.isInteger(code) || code < 100 || code > 699) return CLASS_PHRASES[0];
  return CLASS_PHRASES[Math.floor(code / 100)] ?? CLASS_PHRASES[0];
}

export const MAX_REASON_TEXT = 128;

/**
 * Printable-only, whitespace-collapsed, at most `max` code points (docs/errors.md).
 * `sanitiseReasonText("Busy\r\nX-Evil: 1")` → "Busy X-Evil: 1".
 * Removes C0/C1 controls, DEL, lone surrogates, U+FFFE/U+FFFF and bidi/format
 * controls (Unicode category Cf) that could disguise the text.
 */
export function sanitiseReasonText(s: string, max = MAX_REASON_TEXT): string {
  const cleaned = s
    .replace(/[\p{Cc}\p{Zl}\p{Zp}\s]+/gu, " ")
    .replace(/[\p{Cf}\p{Cs}\uFFFE\uFFFF]/gu, "")
    .trim();
  const points = Array.from(cleaned);
  return points.length <= max ? cleaned : points.slice(0, max).join("").trimEnd();
}
