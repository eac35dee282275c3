/**
 * SipSender: one outcome per sip.send, aggregated over the branches Kamailio
 * reports (one per registered contact) as RFC 3261 §16.7 says.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { SipSender, type SipResult } from "../../../bridge/src/kamailio/sip-sender.js";
import type { CommandAnswer, CommandClient } from "../../../bridge/src/kamailio/command-client.js";
import type { SipResultEvent, SipSendCommand } from "../../../common/src/wire/frames.js";

/** A command client whose HTTP answer the test releases when it wants. */
function fakeCommands() {
  let answer: (a: CommandAnswer) => void = () => {};
  let fail: (e: Error) => void = () => {};
  const client = { post: () => new Promise<CommandAnswer>((res, rej) => { answer = res; fail = rej; }) } as unknown as CommandClient;
  return { client, answer: (a: CommandAnswer) => answer(a), fail: (e: Error) => fail(e) };
}

const cmd = (id: string): SipSendCommand => ({
  type: "sip.send", v: 1, id, ruri: "sip:bob@sip.example", from: "sip:juliet@xmpp.example;gr=a", to: "sip:bob@sip.example",
  callid: "c1@x", body: "hi", ctype: "text/plain", lookup: true,
});
const result = (ref: string, code: number, branch?: number, evtype = 1): SipResultEvent =>
  ({ type: "sip.result", v: 1, id: `r-${ref}-${branch}`, ref, code, reason: `R${code}`, evtype, ...(branch !== undefined ? { branch } : {}) });

/** Resolves to the outcome, or "pending" if none yet (after the microtasks have run). */
async function state(p: Promise<SipResult>): Promise<SipResult | "pending"> {
  return Promise.race([p, new Promise<"pending">((r) => setImmediate(() => r("pending")))]);
}

test("one branch (no `branches` in the answer): its result is the outcome", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("a"));
  k.answer({ status: 200, body: { ok: true } });
  s.onResult(result("a", 486));
  assert.deepEqual(await p, { code: 486, reason: "R486", timedOut: false });
  assert.equal(s.pending, 0);
});

test("two branches, 486 then 200: success (§16.7: any 2xx)", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("b"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("b", 486, 0));
  assert.equal(await state(p), "pending");
  s.onResult(result("b", 200, 1));
  assert.deepEqual(await p, { code: 200, reason: "R200", timedOut: false });
});

test("a 2xx decides even before the HTTP answer says how many branches there are", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("c"));
  s.onResult(result("c", 200, 1));
  assert.deepEqual(await p, { code: 200, reason: "R200", timedOut: false });
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("c", 486, 0)); // late branch: ignored
  assert.equal(s.pending, 0);
});

test("failures that arrive before the HTTP answer wait for it, then for the rest", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("d"));
  s.onResult(result("d", 486, 0));
  s.onResult(result("d", 480, 1));
  assert.equal(await state(p), "pending");
  k.answer({ status: 200, body: { ok: true, branches: 3 } });
  assert.equal(await state(p), "pending");
  s.onResult(result("d", 603, 2));
  assert.deepEqual(await p, { code: 603, reason: "R603", timedOut: false });
});

test("all branches fail: one outcome, the best failure", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("e"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("e", 486, 1));
  s.onResult(result("e", 480, 0));
  assert.deepEqual(await p, { code: 480, reason: "R480", timedOut: false });
});

test("the same branch reported twice counts once", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("f"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("f", 486, 0));
  s.onResult(result("f", 486, 0));
  assert.equal(await state(p), "pending");
  s.onResult(result("f", 404, 1));
  assert.equal((await p).code, 404);
});

test("a branch timing out in Kamailio (evtype 2) is a 408 timeout", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("g"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("g", 408, 0, 2));
  s.onResult(result("g", 408, 1, 2));
  assert.deepEqual(await p, { code: 408, reason: "R408", timedOut: true });
});

test("one device busy, the other silent: the busy answer is the outcome", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("g2"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("g2", 408, 0, 2));
  s.onResult(result("g2", 486, 1));
  assert.deepEqual(await p, { code: 486, reason: "R486", timedOut: false });
});

test("the bridge's own timer: silent branches count as 408 (§16.8) beside the answers in", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 30);
  const p = s.send(cmd("h"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("h", 603, 0));
  assert.deepEqual(await p, { code: 603, reason: "R603", timedOut: false }); // 6xx beats the silent branch's 408
  const p2 = s.send(cmd("h2"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("h2", 500, 0));
  assert.deepEqual(await p2, { code: 408, reason: "Request Timeout", timedOut: true }); // 4xx before 5xx
});

test("failAll (evapi lost): answered at once, silent branches as timeouts", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("i"));
  k.answer({ status: 200, body: { ok: true, branches: 2 } });
  s.onResult(result("i", 500, 0));
  assert.equal(await state(p), "pending"); // the answer (2 branches) is in
  assert.equal(s.failAll("Kamailio link lost"), 1);
  assert.deepEqual(await p, { code: 408, reason: "Kamailio link lost", timedOut: true }); // 4xx before 5xx
});

test("a local refusal in the HTTP answer is the outcome", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("j"));
  k.answer({ status: 404, body: { ok: false, code: 404, local: true } });
  assert.deepEqual(await p, { code: 404, reason: "Refused by Kamailio", timedOut: false });
});

test("Kamailio unreachable: 503", async () => {
  const k = fakeCommands();
  const s = new SipSender(k.client, 60_000);
  const p = s.send(cmd("k"));
  k.fail(new Error("down"));
  assert.deepEqual(await p, { code: 503, reason: "Kamailio Unreachable", timedOut: false });
});
