/**
 * RFC 3261 §16.7 response selection for a forked MESSAGE: one test per rule
 * of common/src/sip/best-response.ts (docs/mapping.md, "Devices").
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { bestResponse, forkOutcome, RESUBMISSION_CODES, type BranchResponse } from "../../../common/src/sip/best-response.js";

const r = (code: number, extra: Partial<BranchResponse> = {}): BranchResponse => ({ code, reason: `R${code}`, ...extra });
const timeout: BranchResponse = { code: 408, reason: "Request Timeout", timedOut: true };

test("§16.7 step 5: a 2xx decides at once, before the other branches answer", () => {
  assert.deepEqual(forkOutcome([r(200)], 2), r(200));
  assert.deepEqual(forkOutcome([r(486), r(202)], 3), r(202));
});

test("§16.7 step 5: a 2xx wins over a 6xx that came first", () => {
  assert.deepEqual(forkOutcome([r(603), r(200)], 2), r(200));
});

test("§16.7 step 6: without a 2xx, nothing is decided until every branch answered", () => {
  assert.equal(forkOutcome([r(486)], 2), undefined);
  assert.equal(forkOutcome([r(603)], 2), undefined);
  assert.equal(forkOutcome([], 1), undefined);
  assert.deepEqual(forkOutcome([r(486), r(480)], 2), r(480));
});

test("§16.7 step 6: no final response at all → 408", () => {
  assert.deepEqual(bestResponse([]), timeout);
});

test("§16.7 step 6: any 6xx is chosen over every other class", () => {
  assert.deepEqual(bestResponse([r(302), r(404), r(603), r(500)]), r(603));
});

test("§16.7 step 6: otherwise the lowest class (3xx before 4xx before 5xx)", () => {
  assert.deepEqual(bestResponse([r(500), r(404)]), r(404));
  assert.deepEqual(bestResponse([r(486), r(302)]), r(302));
  assert.deepEqual(bestResponse([r(504), r(502)]), r(502));
});

test("§16.7 step 6: in 4xx, a response telling how to resubmit comes first", () => {
  for (const code of RESUBMISSION_CODES) {
    assert.deepEqual(bestResponse([r(404), r(code), r(400)]), r(code), String(code));
  }
  assert.deepEqual(RESUBMISSION_CODES, [401, 407, 415, 420, 484]);
});

test("§16.7 step 6: 503 is chosen in 5xx only when nothing else is there", () => {
  assert.deepEqual(bestResponse([r(503), r(504)]), r(504));
  assert.deepEqual(bestResponse([r(503)]), r(503));
});

test("within a class otherwise the lowest code", () => {
  assert.deepEqual(bestResponse([r(486), r(480), r(488)]), r(480));
});

test("§16.8: a branch that timed out counts as 408, after every real 4xx answer", () => {
  assert.deepEqual(bestResponse([timeout, r(486)]), r(486)); // a device's "busy" beats another's silence
  assert.deepEqual(bestResponse([timeout, r(408)]), r(408));
  assert.deepEqual(bestResponse([timeout, timeout]), timeout);
  assert.deepEqual(bestResponse([timeout, r(503)]), timeout); // still 4xx before 5xx
  assert.deepEqual(bestResponse([timeout, r(302)]), r(302));
});

test("one branch: its response is the outcome, whatever it is", () => {
  for (const code of [200, 302, 404, 486, 500, 503, 603]) assert.deepEqual(forkOutcome([r(code)], 1), r(code));
});
