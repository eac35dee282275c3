import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { callIdForThread, isValidCallId, languageTag, reasonText, sipSubject, newTag, newBranch } from "../../../common/src/sip/header-values.js";

test("Subject: CR/LF never survive (docs/security.md, vector P07)", () => {
  assert.equal(sipSubject("hi\r\nX-Injected: 1"), "hi X-Injected: 1");
  assert.equal(sipSubject("\u0000\u0007"), undefined);
});

test("Subject is capped at 256 characters", () => {
  assert.equal(sipSubject("ä".repeat(1000))!.length, 256);
});

test("Call-ID: a valid thread is kept (vector P05)", () => {
  assert.equal(callIdForThread("29377446-0CBB-4296-8958-590D79094C50"), "29377446-0CBB-4296-8958-590D79094C50");
});

test("Call-ID: an invalid thread is replaced by a stable derived value", () => {
  const a = callIdForThread("thread with spaces; and=stuff");
  assert.match(a, /^t-[A-Za-z0-9_-]+$/);
  assert.equal(a, callIdForThread("thread with spaces; and=stuff"));
  assert.ok(isValidCallId(a));
  assert.notEqual(callIdForThread("x\r\nVia: evil"), "x\r\nVia: evil");
});

test("Call-ID: no thread gives a fresh random one", () => {
  assert.notEqual(callIdForThread(undefined), callIdForThread(undefined));
});

test("language tags are checked against BCP 47 shape", () => {
  assert.equal(languageTag("en-GB"), "en-GB");
  assert.equal(languageTag("cs"), "cs");
  assert.equal(languageTag("en\r\nX: 1"), undefined);
  assert.equal(languageTag("toolonglanguage"), undefined);
  assert.equal(languageTag(""), undefined);
});

test("reason phrases are printable and capped", () => {
  assert.equal(reasonText("Busy\r\nHere"), "Busy Here");
  assert.ok(reasonText("x".repeat(500)).length <= 128);
});

test("tags and branches: random, RFC 3261 magic cookie", () => {
  assert.notEqual(newTag(), newTag());
  assert.match(newBranch(), /^z9hG4bK[0-9a-f]{24}$/);
});

test("property: no builder ever emits CR, LF or NUL", () => {
  fc.assert(fc.property(fc.string({ unit: "binary" }), (s) => {
    for (const v of [sipSubject(s), reasonText(s), callIdForThread(s), languageTag(s)]) {
      if (v !== undefined) assert.doesNotMatch(v, /[\r\n\u0000]/);
    }
  }));
});
