/**
 * The id a bridged SIP MESSAGE carries on the XMPP side: the stanza `id` and
 * its XEP-0359 `<origin-id/>` (docs/mapping.md "Message ids").
 *
 * Call-ID and CSeq together name one request of one SIP UA (RFC 3261 §8.1.1.4:
 * Call-ID unique over space and time; §8.1.1.5: a new request outside a dialog
 * takes a new CSeq or a new Call-ID). A retransmission, or the same request
 * sent again after an error, carries both unchanged — so it gets the same id,
 * and an XMPP client can drop the repeat that at-least-once delivery allows
 * (docs/robustness.md). Two different requests never share both, so they never
 * share an id.
 *
 * The two values are length-prefixed before hashing, so no pair can be read as
 * another pair ("ab" + "1" vs "a" + "b1"). The result is `stox-` and 22
 * base64url characters (128 bits of SHA-256): safe in any attribute, log or
 * frame. `sipMessageId("a84b4c76e66710@pc33", 314159)` → `"stox-…"`.
 */
import { hash } from "node:crypto";
import { failure, type Failure } from "../../../common/src/failure.js";
import { ok, type Result } from "../../../common/src/result.js";

/** XEP-0359 §3.2: `<origin-id xmlns='urn:xmpp:sid:0' id='…'/>`. */
export const ORIGIN_ID_NS = "urn:xmpp:sid:0";

// RFC 3261 §20.16: CSeq = 1*DIGIT LWS Method; the number fits 32 bits (§8.1.1.5).
const CSEQ = /^(\d{1,10})\s+([A-Za-z0-9\-.!%*_+`'~]+)$/;
const CSEQ_MAX = 2 ** 32 - 1;

/** The CSeq sequence number, or a Failure for a missing or malformed header. */
export function cseqNumber(value: string | undefined): Result<number, Failure> {
  const m = value === undefined ? null : CSEQ.exec(value);
  const n = m ? Number(m[1]) : NaN;
  if (!(n <= CSEQ_MAX)) return failure("sip-malformed", "CSeq is missing or malformed (RFC 3261 §20.16)");
  return ok(n);
}

export function sipMessageId(callId: string, cseq: number): string {
  const n = String(cseq);
  // One-shot hash (Node ≥ 20.12): this runs for every bridged message.
  const text = `${Buffer.byteLength(callId, "utf8")}:${callId}${n.length}:${n}`;
  return "stox-" + hash("sha256", text, "base64url").slice(0, 22);
}
