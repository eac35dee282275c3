import { test } from "node:test";
import assert from "node:assert/strict";
import { reasonPhrase } from "../../../common/src/rfc7247-errors.js";
import { sanitiseReasonText } from "../../../common/src/sip-reasons.js";

const PHRASES: ReadonlyArray<readonly [number, string]> = [
  [200, "OK"], [202, "Accepted"], [301, "Moved Permanently"], [302, "Moved Temporarily"], [400, "Bad Request"],
  [403, "Forbidden"], [404, "Not Found"], [405, "Method Not Allowed"], [408, "Request Timeout"], [410, "Gone"],
  [413, "Request Entity Too Large"], [415, "Unsupported Media Type"], [480, "Temporarily Unavailable"],
  [482, "Loop Detected"], [483, "Too Many Hops"], [486, "Busy Here"], [491, "Request Pending"],
  [500, "Server Internal Error"], [501, "Not Implemented"], [503, "Service Unavailable"], [513, "Message Too Large"],
  [600, "Busy Everywhere"], [603, "Decline"], [604, "Does Not Exist Anywhere"], [606, "Not Acceptable"],
];
for (const [code, phrase] of PHRASES) {
  test(`reasonPhrase(${code}) = ${phrase}`, () => assert.equal(reasonPhrase(code), phrase));
}
test("unlisted codes get the RFC 3261 §21 class title", () => {
  assert.equal(reasonPhrase(199 + 2), "Successful");
  assert.equal(reasonPhrase(399), "Redirection");
  assert.equal(reasonPhrase(499), "Request Failure");
  assert.equal(reasonPhrase(599), "Server Failure");
  assert.equal(reasonPhrase(699), "Global Failure");
  assert.equal(reasonPhrase(700), "Unknown");
  assert.equal(reasonPhrase(-3), "Unknown");
});
test("sanitiseReasonText: controls, bidi overrides, lone surrogates, length", () => {
  assert.equal(sanitiseReasonText(" a\tb\r\n\u0085c\u202Ed\uD800e\uFFFF "), "a b cde");
  assert.equal(sanitiseReasonText("x".repeat(200)).length, 128);
  assert.equal(sanitiseReasonText("😀".repeat(200), 3), "😀😀😀");
});
