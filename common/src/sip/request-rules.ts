/**
 * Semantic rules a syntactically parsed SIP request must meet before anything
 * maps it (RFC 4475 §3.1.2, §3.3: "torture" messages that parse but must be
 * refused). One table, checked in order; the first broken rule is the answer.
 * The SIP-Version rule (505) and the Content-Length rules live in the parser,
 * where the start line and the body are read. docs/robustness.md lists every
 * rule with its test.
 *
 * `checkRequestRules(req)` → undefined, or the Failure to answer with.
 */
import { makeFailure, type Failure } from "../failure.js";
import type { SipRequest } from "./message.js";

/** One rule: where it comes from, and the refusal (or undefined) for a request. */
export interface SipRequestRule {
  readonly id: string;
  readonly rfc: string;
  readonly check: (req: SipRequest) => Failure | undefined;
}

/**
 * Headers that may appear once (RFC 3261 §7.3.1: only comma-list headers may
 * repeat). Compact forms (f, t, i, l, c, s) are already expanded by the parser.
 */
export const SINGLE_VALUED_HEADERS = ["from", "to", "call-id", "cseq", "max-forwards", "content-length", "content-type", "subject"] as const;

/**
 * Of those, the ones whose grammar has no comma outside quotes and `<>`
 * (RFC 3261 §20.10: a URI with a comma must be bracketed): a comma there joins
 * a second value (RFC 3261 §7.3.1). Subject is free text and may hold commas.
 */
const COMMA_MEANS_TWO: ReadonlySet<string> = new Set(["from", "to", "call-id", "cseq", "max-forwards", "content-length", "content-type"]);

export const CSEQ_MAX = 2 ** 31 - 1; // RFC 3261 §8.1.1.5: "MUST be less than 2**31"
export const MAX_FORWARDS_MAX = 255; // RFC 3261 §20.22: "an integer in the range 0-255"

// RFC 3261 §20.16, §25: CSeq = 1*DIGIT LWS Method (folding already undone).
const CSEQ = /^(\d+)[ \t]+([A-Za-z0-9\-.!%*_+`'~]+)$/;
const DIGITS = /^\d+$/;

export const SIP_REQUEST_RULES: readonly SipRequestRule[] = [
  { id: "single-valued", rfc: "RFC 3261 §7.3.1; RFC 4475 §3.3.8, §3.3.9", check: singleValued },
  { id: "cseq-number", rfc: "RFC 3261 §8.1.1.5, §20.16; RFC 4475 §3.1.2.4", check: cseqNumber },
  { id: "cseq-method", rfc: "RFC 3261 §8.1.1.5; RFC 4475 §3.1.2.17, §3.1.2.18", check: cseqMethod },
  { id: "max-forwards", rfc: "RFC 3261 §20.22; RFC 4475 §3.1.2.4", check: maxForwards },
];

export function checkRequestRules(req: SipRequest): Failure | undefined {
  for (const rule of SIP_REQUEST_RULES) {
    const broken = rule.check(req);
    if (broken !== undefined) return broken;
  }
  return undefined;
}

function singleValued(req: SipRequest): Failure | undefined {
  for (const name of SINGLE_VALUED_HEADERS) {
    const values = req.headers.get(name);
    if (values === undefined) continue;
    if (values.length > 1 || (COMMA_MEANS_TWO.has(name) && hasTopLevelComma(values[0]!))) {
      return makeFailure("sip-duplicate-header", `more than one ${name} value`);
    }
  }
  return undefined;
}

function cseqNumber(req: SipRequest): Failure | undefined {
  const value = req.headers.get("cseq")?.[0];
  if (value === undefined) return undefined;
  const m = CSEQ.exec(value);
  if (!m) return makeFailure("sip-malformed", "bad CSeq");
  if (Number(m[1]) > CSEQ_MAX) return makeFailure("sip-out-of-range", "CSeq number is not below 2^31");
  return undefined;
}

// Methods are case-sensitive (RFC 3261 §7.1), so `message` ≠ `MESSAGE`.
function cseqMethod(req: SipRequest): Failure | undefined {
  const m = CSEQ.exec(req.headers.get("cseq")?.[0] ?? "");
  if (!m || m[2] === req.method) return undefined;
  return makeFailure("sip-cseq-mismatch", "CSeq method does not match the request method");
}

function maxForwards(req: SipRequest): Failure | undefined {
  const value = req.headers.get("max-forwards")?.[0];
  if (value === undefined) return undefined;
  if (!DIGITS.test(value)) return makeFailure("sip-malformed", "bad Max-Forwards");
  if (Number(value) > MAX_FORWARDS_MAX) return makeFailure("sip-out-of-range", "Max-Forwards is above 255");
  return undefined;
}

/** A comma outside a quoted-string (with its `\` escapes, RFC 3261 §25) and outside `<>`. */
export function hasTopLevelComma(value: string): boolean {
  let depth = 0, quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (quoted) {
      if (c === 0x5c) i++; // quoted-pair
      else if (c === 0x22) quoted = false;
    } else if (c === 0x22) quoted = true;
    else if (c === 0x3c) depth++;
    else if (c === 0x3e) depth = Math.max(0, depth - 1);
    else if (c === 0x2c && depth === 0) return true;
  }
  return false;
}
