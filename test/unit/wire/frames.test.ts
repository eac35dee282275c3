import { test } from "node:test";
import assert from "node:assert/strict";
import { parseFrame, sipMessageEvent, sipResultEvent, prosodyHello, xmppOutcome } from "../../../common/src/wire/frames.js";

const msg = { type: "sip.message", v: 1, id: "1:2", tindex: "1", tlabel: "2", ruri: "sip:a@b", msg: "MESSAGE …" };

test("a well-formed sip.message passes", () => {
  assert.equal(parseFrame(sipMessageEvent, msg).ok, true);
});

test("refusals name the offending field", () => {
  const r = parseFrame(sipMessageEvent, { ...msg, tindex: "x1" });
  assert.equal(r.ok, false);
  assert.equal(!r.ok && r.problem.path, "tindex");
});

test("exactly one of msg and msg_b64", () => {
  assert.equal(parseFrame(sipMessageEvent, { ...msg, msg_b64: "AA==" }).ok, false);
  const { msg: _m, ...noBody } = msg;
  assert.equal(parseFrame(sipMessageEvent, noBody).ok, false);
});

test("wrong protocol version is refused", () => {
  assert.equal(parseFrame(sipMessageEvent, { ...msg, v: 2 }).ok, false);
});

test("sip.result accepts the code as jansson may send it (integer or numeric string)", () => {
  const r = parseFrame(sipResultEvent, { type: "sip.result", v: 1, id: "r1", ref: "c1", code: "486" });
  assert.equal(r.ok && r.frame.code, 486);
  assert.equal(parseFrame(sipResultEvent, { type: "sip.result", v: 1, id: "r1", ref: "c1", code: 99 }).ok, false);
});

test("prosody hello defaults its lists; outcome enum is closed", () => {
  const h = parseFrame(prosodyHello, { type: "hello", v: 1, id: "h", role: "prosody" });
  assert.deepEqual(h.ok && h.frame.hosts, []);
  assert.equal(parseFrame(xmppOutcome, { type: "xmpp.outcome", v: 1, id: "o", ref: "d", outcome: "maybe" }).ok, false);
});

test("oversized fields are refused at the edge", () => {
  assert.equal(parseFrame(sipMessageEvent, { ...msg, ruri: "sip:" + "a".repeat(2000) + "@b" }).ok, false);
});
