import { test } from "node:test";
import assert from "node:assert/strict";
import { sipFinalForFailure, sipFinalForOutcome } from "../../../bridge/src/mapping/outcome-to-sip.js";
import { errorStanza } from "../../../bridge/src/mapping/error-stanza.js";
import { makeFailure } from "../../../common/src/failure.js";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";

const outcome = (o: "delivered" | "stored" | "relayed" | "error", condition?: string) =>
  ({ type: "xmpp.outcome" as const, v: 1 as const, id: "o", ref: "d", outcome: o, ...(condition ? { condition, error_type: "cancel" } : {}) });

test("delivered → 200, stored → 202, relayed → 202, no answer → 408, no link → 480 + Retry-After", () => {
  assert.equal(sipFinalForOutcome(outcome("delivered"), "bare").code, 200);
  assert.equal(sipFinalForOutcome(outcome("stored"), "bare").code, 202);
  assert.equal(sipFinalForOutcome(outcome("relayed"), "bare").code, 202);
  assert.equal(sipFinalForOutcome("timeout", "bare").code, 408);
  assert.deepEqual(sipFinalForOutcome("no-link", "bare", 7), { code: 480, reason: "Temporarily Unavailable", hdrs: { retry_after: 7 } });
});

test("Prosody's stanza error maps through RFC 7247 Table 2, never 503", () => {
  assert.equal(sipFinalForOutcome(outcome("error", "service-unavailable"), "bare").code, 403);
  assert.equal(sipFinalForOutcome(outcome("error", "item-not-found"), "bare").code, 604);
  assert.equal(sipFinalForOutcome(outcome("error", "item-not-found"), "full").code, 404);
  assert.equal(sipFinalForOutcome(outcome("error", "made-up-condition"), "bare").code, 400);
});

test("failures carry their headers into the resume command", () => {
  const f = sipFinalForFailure(makeFailure("sips-not-allowed", "x", { warning: '380 stox "SIPS Not Allowed"' }));
  assert.deepEqual(f, { code: 480, reason: "Temporarily Unavailable", hdrs: { warning: '380 stox "SIPS Not Allowed"' } });
  const busy = sipFinalForFailure(makeFailure("overloaded", "x", { retryAfter: 5 }));
  assert.equal(busy.hdrs?.retry_after, 5);
});

test("P13: error stanza keeps the id, swaps from/to, carries condition and type (RFC 6120 §8.3.1)", () => {
  const e = errorStanza({ name: "message", from: "juliet@x/balcony", to: "romeo@sip", id: "a1" }, { condition: "item-not-found", type: "cancel", text: "Not Found" });
  const back = parseStanza(e.toString());
  assert.ok(back.ok);
  const s = back.value;
  assert.equal(s.attrs.id, "a1");
  assert.equal(s.attrs.type, "error");
  assert.equal(s.attrs.from, "romeo@sip");
  assert.equal(s.attrs.to, "juliet@x/balcony");
  const err = s.getChild("error")!;
  assert.equal(err.attrs.type, "cancel");
  assert.ok(err.getChild("item-not-found", "urn:ietf:params:xml:ns:xmpp-stanzas"));
  assert.equal(err.getChildText("text", "urn:ietf:params:xml:ns:xmpp-stanzas"), "Not Found");
});

test("a hostile reason phrase is sanitised in <text/>", () => {
  const e = errorStanza({ name: "message", from: "a@x/r", to: "b@y" }, { condition: "bad-request", type: "modify", text: "</text><evil/>\r\n\u0000" });
  const back = parseStanza(e.toString());
  assert.ok(back.ok);
  assert.equal(back.value.getChild("error")!.getChild("evil"), undefined);
});
