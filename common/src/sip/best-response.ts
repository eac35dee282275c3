/**
 * RFC 3261 §16.7 response selection for a MESSAGE forked to every contact of
 * an AOR (docs/mapping.md, "Devices"). Pure: the final responses of the
 * branches in, the one outcome the XMPP sender hears out.
 *
 *   forkOutcome([{ code: 486 }, { code: 200 }], 2) → { code: 200 }         (any 2xx, at once)
 *   forkOutcome([{ code: 486 }, { code: 603 }], 2) → { code: 603 }         (6xx beats the rest)
 *   forkOutcome([{ code: 486 }], 2)                → undefined              (still waiting)
 */

/** One branch's final response; `timedOut` = no response, tm's local 408. */
export interface BranchResponse {
  readonly code: number;
  readonly reason?: string;
  readonly timedOut?: boolean;
}

/**
 * RFC 3261 §16.7 step 6: in the 4xx class, prefer the responses that tell the
 * sender how to resubmit.
 */
export const RESUBMISSION_CODES: readonly number[] = [401, 407, 415, 420, 484];

/**
 * The outcome once it is known, else undefined: a 2xx is final at once (§16.7
 * step 5 forwards any 2xx immediately); otherwise all `branches` must have
 * answered first (§16.7 step 6 waits for every client transaction).
 */
export function forkOutcome(responses: readonly BranchResponse[], branches: number): BranchResponse | undefined {
  const success = responses.find((r) => r.code >= 200 && r.code < 300);
  if (success !== undefined) return success;
  if (responses.length < branches) return undefined;
  return bestResponse(responses);
}

/**
 * §16.7 step 6 among failures: none at all → 408 (a branch that never
 * answered counts as 408, §16.8); any 6xx wins; else the lowest class; in
 * 4xx a resubmission code first; 503 last in 5xx (§16.7: forwarding 503
 * would claim the whole service is down); else the lowest code. §16.7 lets
 * any response of the class be chosen: a device's own answer (486 Busy Here)
 * tells the sender more than another device's silence, so within a class a
 * local timeout comes last.
 */
export function bestResponse(responses: readonly BranchResponse[]): BranchResponse {
  let best: BranchResponse | undefined;
  for (const r of responses) if (best === undefined || rank(r) < rank(best)) best = r;
  return best ?? { code: 408, reason: "Request Timeout", timedOut: true };
}

/** Lower is better. Class first (6xx before all), then the in-class preferences. */
function rank(r: BranchResponse): number {
  const cls = Math.floor(r.code / 100);
  const classRank = cls === 6 ? 0 : cls;
  const preferred = cls === 4 && RESUBMISSION_CODES.includes(r.code);
  const last = r.code === 503;
  const within = r.timedOut === true ? 300 : preferred ? 0 : last ? 200 : 100 + (r.code % 100);
  return classRank * 1000 + within;
}
