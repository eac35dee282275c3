/**
 * RFC 7247 Table 3 (docs/errors.md), one test per row, plus class defaults and
 * the choices documented in docs/errors.md. Expected values are written out
 * here independently of SIP_TO_XMPP_TABLE.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SIP_TO_XMPP_TABLE, stanzaErrorForSipAnswer } from "../../../common/src/rfc7247-errors.js";

/** [SIP code, condition, type] — docs/errors.md table; 603 → cancel is our choice. */
const EXPECTED: ReadonlyArray<readonly [number, string, string]> = [
  [300, "redirect", "modify"], [301, "gone", "cancel"], [302, "redirect", "modify"], [305, "redirect", "modify"],
  [380, "not-acceptable", "modify"],
  [400, "bad-request", "modify"], [401, "not-authorized", "auth"], [402, "bad-request", "modify"],
  [403, "forbidden", "auth"], [404, "item-not-found", "cancel"], [405, "feature-not-implemented", "cancel"],
  [406, "not-acceptable", "modify"], [407, "registration-required", "auth"], [408, "remote-server-timeout", "wait"],
  [410, "gone", "cancel"], [413, "policy-violation", "modify"], [414, "policy-violation", "modify"],
  [415, "not-acceptable", "modify"], [416, "not-acceptable", "modify"], [420, "feature-not-implemented", "cancel"],
  [421, "not-acceptable", "modify"], [423, "resource-constraint", "wait"], [430, "recipient-unavailable", "wait"],
  [439, "feature-not-implemented", "cancel"], [440, "policy-violation", "modify"],
  [480, "recipient-unavailable", "wait"], [481, "item-not-found", "cancel"], [482, "not-acceptable", "modify"],
  [483, "not-acceptable", "modify"], [484, "item-not-found", "cancel"], [485, "item-not-found", "cancel"],
  [486, "recipient-unavailable", "wait"], [487, "recipient-unavailable", "wait"], [488, "not-acceptable", "modify"],
  [489, "policy-violation", "modify"], [491, "unexpected-request", "wait"], [493, "bad-request", "modify"],
  [500, "internal-server-error", "cancel"], [501, "feature-not-implemented", "cancel"],
  [502, "remote-server-not-found", "cancel"], [503, "internal-server-error", "cancel"],
  [504, "remote-server-timeout", "wait"], [505, "not-acceptable", "modify"], [513, "policy-violation", "modify"],
  [600, "recipient-unavailable", "wait"], [603, "recipient-unavailable", "cancel"], [604, "item-not-found", "cancel"],
  [606, "not-acceptable", "modify"],
];

describe("RFC 7247 Table 3: SIP → XMPP", () => {
  for (const [code, condition, type] of EXPECTED) {
    test(`${code} → ${condition} (${type})`, () => {
      const e = stanzaErrorForSipAnswer({ code });
      assert.ok(e);
      assert.equal(e.condition, condition);
      assert.equal(e.type, type);
    });
  }
  test("the table has exactly the expected rows", () => {
    assert.deepEqual(Object.keys(SIP_TO_XMPP_TABLE).map(Number).sort(), EXPECTED.map(([c]) => c).sort());
  });
});

describe("class defaults for unlisted codes (RFC 7247 §7.2)", () => {
  const DEFAULTS: ReadonlyArray<readonly [number, string, string]> = [
    [303, "redirect", "modify"], [399, "redirect", "modify"],
    [409, "bad-request", "modify"], [422, "bad-request", "modify"], [499, "bad-request", "modify"],
    [506, "internal-server-error", "cancel"], [580, "internal-server-error", "cancel"], [599, "internal-server-error", "cancel"],
    [601, "recipient-unavailable", "wait"], [607, "recipient-unavailable", "wait"], [699, "recipient-unavailable", "wait"],
  ];
  for (const [code, condition, type] of DEFAULTS) {
    test(`${code} → ${condition} (${type})`, () => {
      const e = stanzaErrorForSipAnswer({ code });
      assert.equal(e?.condition, condition);
      assert.equal(e?.type, type);
    });
  }
});

describe("non-errors and out-of-range codes", () => {
  for (const code of [100, 180, 183, 199, 200, 202, 299]) {
    test(`${code} → null`, () => assert.equal(stanzaErrorForSipAnswer({ code }), null));
  }
  for (const code of [0, 99, 700, 999, -1, 404.5, Number.NaN]) {
    test(`${code} → undefined-condition/cancel`, () => {
      assert.deepEqual(stanzaErrorForSipAnswer({ code }), { condition: "undefined-condition", type: "cancel" });
    });
  }
});

describe("text, addresses and options", () => {
  test("the peer's reason phrase, sanitised, is the text", () => {
    const e = stanzaErrorForSipAnswer({ code: 486, reason: "Busy\r\nX-Injected: 1\u0000\u202e" });
    assert.equal(e?.text, "Busy X-Injected: 1");
  });
  test("text is bounded to 128 code points", () => {
    const e = stanzaErrorForSipAnswer({ code: 400, reason: "ü".repeat(500) });
    assert.equal(Array.from(e?.text ?? "").length, 128);
  });
  test("missing or blank reason → the standard phrase", () => {
    assert.equal(stanzaErrorForSipAnswer({ code: 480 })?.text, "Temporarily Unavailable");
    assert.equal(stanzaErrorForSipAnswer({ code: 480, reason: " \t " })?.text, "Temporarily Unavailable");
    assert.equal(stanzaErrorForSipAnswer({ code: 499 })?.text, "Request Failure");
  });
  test("301 → gone carrying the Contact URI (note 1)", () => {
    const e = stanzaErrorForSipAnswer({ code: 301, reason: "Moved Permanently", contact: '"Romeo" <sip:romeo@afterlife.example.net>;expires=60' });
    assert.deepEqual(e, { condition: "gone", type: "cancel", text: "Moved Permanently", gone: "sip:romeo@afterlife.example.net" });
  });
  test("301 with an unbracketed Contact: header params are not part of the URI", () => {
    assert.equal(stanzaErrorForSipAnswer({ code: 301, contact: "sip:r@x.example;expires=5" })?.gone, "sip:r@x.example");
  });
  test("410 → gone without an address even if a Contact is present (note 1: MUST NOT)", () => {
    const e = stanzaErrorForSipAnswer({ code: 410, contact: "<sip:romeo@afterlife.example.net>" });
    assert.equal(e?.condition, "gone");
    assert.equal(e?.gone, undefined);
  });
  test("a hostile Contact is dropped", () => {
    for (const contact of ["<sip:a@b\r\nX: 1>", "<javascript alert>", "<sip:a@b", "no uri here"]) {
      assert.equal(stanzaErrorForSipAnswer({ code: 301, contact })?.gone, undefined, contact);
    }
  });
  test("302 with a Contact → redirect carrying the alternate address", () => {
    const e = stanzaErrorForSipAnswer({ code: 302, contact: "<sip:juliet@balcony.example>" });
    assert.equal(e?.condition, "redirect");
    assert.equal(e?.redirect, "sip:juliet@balcony.example");
  });
  test("503 without Retry-After → internal-server-error/cancel (note 7)", () => {
    assert.deepEqual(stanzaErrorForSipAnswer({ code: 503 }), { condition: "internal-server-error", type: "cancel", text: "Service Unavailable" });
  });
  test("503 with Retry-After → internal-server-error/wait, delay in the text", () => {
    assert.deepEqual(stanzaErrorForSipAnswer({ code: 503, retryAfter: 120 }), {
      condition: "internal-server-error", type: "wait", text: "Service Unavailable (retry after 120 s)",
    });
  });
  test("Retry-After on other codes, or invalid, is ignored", () => {
    assert.equal(stanzaErrorForSipAnswer({ code: 500, retryAfter: 5 })?.type, "cancel");
    assert.equal(stanzaErrorForSipAnswer({ code: 503, retryAfter: -1 })?.type, "cancel");
    assert.equal(stanzaErrorForSipAnswer({ code: 503, retryAfter: 1.5 })?.type, "cancel");
  });
});

describe("leak-safe option (RFC 6120 §8.3.3.19)", () => {
  for (const code of [404, 480, 486, 600, 604]) {
    test(`${code} → service-unavailable/cancel, no revealing text`, () => {
      assert.deepEqual(stanzaErrorForSipAnswer({ code, reason: "Busy Here", leakSafe: true }), { condition: "service-unavailable", type: "cancel" });
    });
  }
  for (const code of [403, 408, 410, 487, 603]) {
    test(`${code} is not masked`, () => {
      assert.notEqual(stanzaErrorForSipAnswer({ code, leakSafe: true })?.condition, "service-unavailable");
    });
  }
  test("leakSafe=false keeps the Table 3 mapping", () => {
    assert.equal(stanzaErrorForSipAnswer({ code: 404, leakSafe: false })?.condition, "item-not-found");
  });
});
