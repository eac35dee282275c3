/**
 * A parsed SIP request (RFC 3261 §7): start line, headers, body bytes.
 * Only what the pager-mode mapping reads; everything else is kept raw.
 */
export interface SipRequest {
  readonly method: string;
  readonly requestUri: string;
  /** Header values by lower-case long name (compact forms expanded), in order. */
  readonly headers: ReadonlyMap<string, readonly string[]>;
  readonly body: Uint8Array;
}

/** The first value of a header (by long name, any case), or undefined. */
export function header(req: SipRequest, name: string): string | undefined {
  return req.headers.get(name.toLowerCase())?.[0];
}

/** RFC 3261 §7.3.3 compact forms, plus RFC 3515/3892/4474 ones seen in the field. */
export const COMPACT_HEADER_NAMES: Readonly<Record<string, string>> = {
  i: "call-id", m: "contact", e: "content-encoding", l: "content-length",
  c: "content-type", f: "from", s: "subject", k: "supported", t: "to", v: "via",
  r: "refer-to", b: "referred-by", o: "event", u: "allow-events", x: "session-expires",
  y: "identity", a: "accept-contact", j: "reject-contact", d: "request-disposition",
};
