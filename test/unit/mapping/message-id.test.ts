/**
 * The stable id of a bridged SIP MESSAGE (docs/mapping.md "Message ids"):
 * same Call-ID and CSeq → same id; any difference → a different id.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cseqNumber, sipMessageId } from "../../../bridge/src/mapping/message-id.js";

const SHAPE = /^stox-[A-Za-z0-9_-]{22}$/;

test("known answer: the recipe in docs/mapping.md (computed with openssl, not with this code)", () => {
  // printf '19:a84b4c76e66710@pc336:314159' | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | cut -c1-22
  assert.equal(sipMessageId("a84b4c76e66710@pc33", 314159), "stox-H8rInvIQSEXBAp7bjW0r6X");
});

test("same Call-ID and CSeq → the same id, every time", () => {
  assert.equal(sipMessageId("call-1@host", 1), sipMessageId("call-1@host", 1));
});

test("a different CSeq or a different Call-ID → a different id", () => {
  const base = sipMessageId("call-1@host", 1);
  assert.notEqual(sipMessageId("call-1@host", 2), base);
  assert.notEqual(sipMessageId("call-2@host", 1), base);
  assert.notEqual(sipMessageId("Call-1@host", 1), base); // Call-ID compares case-sensitively (RFC 3261 §20.8)
});

test("prefix-free: moving characters between Call-ID and CSeq changes the id", () => {
  assert.notEqual(sipMessageId("a1", 2), sipMessageId("a", 12));
  assert.notEqual(sipMessageId("a12", 3), sipMessageId("a1", 23));
});

test("the id is `stox-` + 22 base64url characters, whatever the Call-ID holds", () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), (callId, cseq) => {
    assert.match(sipMessageId(callId, cseq), SHAPE);
  }));
});

test("property: distinct (Call-ID, CSeq) pairs get distinct ids", () => {
  const pair = fc.tuple(fc.string({ maxLength: 40 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }));
  fc.assert(fc.property(pair, pair, (a, b) => {
    fc.pre(a[0] !== b[0] || a[1] !== b[1]);
    assert.notEqual(sipMessageId(...a), sipMessageId(...b));
  }));
});

test("CSeq: the number is read numerically (leading zeros, any LWS); a missing or malformed one is a 400", () => {
  assert.deepEqual(cseqNumber("314159 MESSAGE"), { ok: true, value: 314159 });
  assert.deepEqual(cseqNumber("0001 MESSAGE"), { ok: true, value: 1 });
  assert.deepEqual(cseqNumber("7 \t MESSAGE"), { ok: true, value: 7 });
  assert.deepEqual(cseqNumber(`${2 ** 32 - 1} MESSAGE`), { ok: true, value: 2 ** 32 - 1 });
  for (const bad of [undefined, "", "MESSAGE", "1", "-1 MESSAGE", "1.5 MESSAGE", `${2 ** 32} MESSAGE`, "1 MESSAGE x"]) {
    const r = cseqNumber(bad);
    assert.equal(!r.ok && r.error.sip, 400, String(bad));
  }
});
