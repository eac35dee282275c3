/**
 * RFC 7247 Table 2 (docs/errors.md), one test per row and target. The expected
 * codes are written out here independently of XMPP_TO_SIP_TABLE.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { sipAnswerForStanzaError, XMPP_TO_SIP_TABLE } from "../../../common/src/rfc7247-errors.js";
import { STANZA_CONDITIONS } from "../../../common/src/stanza-errors.js";

/** [condition, code for a full JID, code for a bare JID] — RFC 7247 Table 2 + notes 1, 2, 5. */
const EXPECTED: ReadonlyArray<readonly [string, number, number]> = [
  ["bad-request", 400, 400],
  ["conflict", 400, 400],
  ["feature-not-implemented", 405, 501],
  ["forbidden", 403, 603],
  ["gone", 410, 410],
  ["internal-server-error", 500, 500],
  ["item-not-found", 404, 604],
  ["jid-malformed", 400, 400],
  ["not-acceptable", 406, 606],
  ["not-allowed", 403, 403],
  ["not-authorized", 401, 401],
  ["policy-violation", 403, 403],
  ["recipient-unavailable", 480, 600],
  ["redirect", 302, 302],
  ["registration-required", 407, 407],
  ["remote-server-not-found", 404, 404],
  ["remote-server-timeout", 408, 408],
  ["resource-constraint", 500, 500],
  ["service-unavailable", 403, 403],
  ["subscription-required", 400, 400],
  ["undefined-condition", 400, 400],
  ["unexpected-request", 491, 491],
];

describe("RFC 7247 Table 2: XMPP condition → SIP", () => {
  for (const [condition, full, bare] of EXPECTED) {
    test(`${condition}: full JID → ${full}, bare JID → ${bare}`, () => {
      assert.equal(sipAnswerForStanzaError({ condition, target: "full" }).code, full);
      assert.equal(sipAnswerForStanzaError({ condition, target: "bare" }).code, bare);
    });
  }

  test("the expected list covers every stanza condition, and the table has no extra rows", () => {
    assert.deepEqual(EXPECTED.map(([c]) => c).sort(), [...STANZA_CONDITIONS].sort());
    assert.deepEqual(Object.keys(XMPP_TO_SIP_TABLE).sort(), [...STANZA_CONDITIONS].sort());
  });

  test("note 5: service-unavailable is never 503", () => {
    for (const target of ["bare", "full"] as const) {
      assert.notEqual(sipAnswerForStanzaError({ condition: "service-unavailable", target }).code, 503);
    }
  });

  test("note 1: 405 carries Allow: MESSAGE; 501 carries no Allow", () => {
    const full = sipAnswerForStanzaError({ condition: "feature-not-implemented", target: "full" });
    assert.deepEqual(full, { code: 405, reason: "Method Not Allowed", allow: "MESSAGE" });
    const bare = sipAnswerForStanzaError({ condition: "feature-not-implemented", target: "bare" });
    assert.deepEqual(bare, { code: 501, reason: "Not Implemented" });
  });

  test("reason is the standard phrase, never the <text/>", () => {
    const a = sipAnswerForStanzaError({ condition: "forbidden", target: "bare", text: "go away\r\nX-Evil: 1" });
    assert.deepEqual(a, { code: 603, reason: "Decline" });
  });

  test("unknown condition → undefined-condition → 400 (RFC 6120 §8.3.2)", () => {
    assert.deepEqual(sipAnswerForStanzaError({ condition: "payment-required", target: "full" }), { code: 400, reason: "Bad Request" });
    assert.equal(sipAnswerForStanzaError({ condition: "", target: "bare" }).code, 400);
    assert.equal(sipAnswerForStanzaError({ condition: "__proto__", target: "bare" }).code, 400);
  });
});

describe("note 3: <gone/> → 301 with an address, 410 without", () => {
  test("xmpp: IRI → 301, Contact = the JID when no converter is given", () => {
    const a = sipAnswerForStanzaError({ condition: "gone", target: "bare", text: "xmpp:romeo@afterlife.example.net" });
    assert.deepEqual(a, { code: 301, reason: "Moved Permanently", contact: "romeo@afterlife.example.net" });
  });
  test("xmpp: IRI → 301, Contact = jidToUri(JID) when a converter is given", () => {
    const a = sipAnswerForStanzaError({
      condition: "gone", target: "full", text: " xmpp:o%5C27malley@example.net?message ",
      jidToUri: (jid) => (jid === "o\\27malley@example.net" ? "sip:o'malley@example.net" : undefined),
    });
    assert.deepEqual(a, { code: 301, reason: "Moved Permanently", contact: "sip:o'malley@example.net" });
  });
  test("xmpp://authority/ form and fragments", () => {
    const a = sipAnswerForStanzaError({ condition: "gone", target: "bare", text: "xmpp://guest@example.com/support@example.com#x" });
    assert.equal(a.contact, "support@example.com");
  });
  test("sip: URI passes through", () => {
    const a = sipAnswerForStanzaError({ condition: "gone", target: "bare", text: "sip:romeo@afterlife.example.net" });
    assert.deepEqual(a, { code: 301, reason: "Moved Permanently", contact: "sip:romeo@afterlife.example.net" });
  });
  test("no text, prose text, or hostile text → 410 without Contact", () => {
    for (const text of [undefined, "", "moved away", "sip:a@b\r\nX: 1", "xmpp:", "xmpp:%ZZ@x", "http://example.com/"]) {
      assert.deepEqual(sipAnswerForStanzaError({ condition: "gone", target: "bare", text }), { code: 410, reason: "Gone" }, String(text));
    }
  });
  test("converter refusing the JID → 410", () => {
    const a = sipAnswerForStanzaError({ condition: "gone", target: "bare", text: "xmpp:x@y", jidToUri: () => undefined });
    assert.equal(a.code, 410);
  });
});

describe("<redirect/> → 302", () => {
  test("with an address in the text → Contact", () => {
    const a = sipAnswerForStanzaError({ condition: "redirect", target: "bare", text: "xmpp:juliet@capulet.example" });
    assert.deepEqual(a, { code: 302, reason: "Moved Temporarily", contact: "juliet@capulet.example" });
  });
  test("without → no Contact", () => {
    assert.deepEqual(sipAnswerForStanzaError({ condition: "redirect", target: "full" }), { code: 302, reason: "Moved Temporarily" });
  });
});

describe("note 4: remote-server-not-found", () => {
  test("default 404", () => {
    assert.equal(sipAnswerForStanzaError({ condition: "remote-server-not-found", target: "bare" }).code, 404);
  });
  test("408 when the bridge saw resolution time out", () => {
    const a = sipAnswerForStanzaError({ condition: "remote-server-not-found", target: "bare", resolutionTimedOut: true });
    assert.deepEqual(a, { code: 408, reason: "Request Timeout" });
  });
  test("resolutionTimedOut does not affect other conditions", () => {
    assert.equal(sipAnswerForStanzaError({ condition: "item-not-found", target: "full", resolutionTimedOut: true }).code, 404);
  });
});
