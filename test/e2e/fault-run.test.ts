/**
 * Fault run (docs/robustness.md "Fault run"): 2,000 messages each direction
 * at a steady rate while the bridge is SIGKILLed and restarted twice and
 * Prosody is restarted once. Asserted, as docs/robustness.md promises:
 *
 * * vanished = 0: every message ends delivered, errored back to its sender,
 *   or (XMPP → SIP) reported to the XMPP client as never taken;
 * * a message is errored back although delivered only if it was in flight at
 *   a fault (its outcome was in doubt), and repeated only then — at most once
 *   per such fault (test/e2e/fault-ledger.ts defines "in doubt");
 * * every SIP → XMPP copy carries the XEP-0359 origin-id derived from its
 *   Call-ID and CSeq (docs/mapping.md "Message ids"), so repeats share it and
 *   distinct messages never do. Duplicates are counted by origin-id.
 *
 * The counts are written to `fault-run.json` in the stack directory and printed.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { SipPeer } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack } from "./stack.js";
import { sipMessageId } from "../../bridge/src/mapping/message-id.js";
import { ledger, type Fault, type S2x, type X2s } from "./fault-ledger.js";

const COUNT = 2000;
const INTERVAL_MS = 10; // 100 messages/s each direction
const SID = "urn:xmpp:sid:0";

let stack: Stack;
let juliet: TestClient; // XMPP receiver (SIP → XMPP)
let romeo: TestClient;  // XMPP sender (XMPP → SIP)
let bob: SipPeer;       // SIP sender (SIP → XMPP)
let alice: SipPeer;     // SIP receiver (XMPP → SIP), registered over TCP
let aliceGot: (req: { body: Buffer }) => void = () => {};

before(async () => {
  // XEP-0198 on: the XMPP client must learn which stanzas a restarting Prosody never took.
  stack = await startStack({ prosodySmacks: true, kamailioTimeoutMs: 8000, bridgeExtra: { deliver_timeout_ms: "3000", sip_result_timeout_ms: "6000" } });
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret" });
  romeo = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "romeo", password: "romeo-secret" });
  bob = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
  alice = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
  const reg = await alice.request({ method: "REGISTER", ruri: `sip:${SIP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, to: `sip:alice@${SIP_DOMAIN}`, contact: `sip:alice@127.0.0.1:${alice.port};transport=tcp`, expires: 600 });
  assert.equal(reg.response.status, 200);
  alice.answerWith((req) => { if (req.method === "MESSAGE") aliceGot(req); return { code: 200, reason: "OK" }; });
});

after(async () => {
  await juliet?.stop();
  await romeo?.stop();
  bob?.close();
  alice?.close();
  await stack?.stop();
});

/** Resolves once `pred` holds, checked on every `check()` call; rejects after `ms`. */
function condition(pred: () => boolean, ms: number, what: string): { check: () => void; done: Promise<void> } {
  let resolve!: () => void;
  let timer: NodeJS.Timeout | undefined;
  const done = new Promise<void>((res, rej) => {
    resolve = res;
    timer = setTimeout(() => rej(new Error(`timeout waiting for ${what}`)), ms);
  });
  const check = () => { if (pred()) { clearTimeout(timer); resolve(); } };
  return { check, done };
}

test(`fault run: ${COUNT} messages each way; bridge SIGKILLed twice, Prosody restarted once; nothing vanishes, repeats only where in doubt`, { timeout: 240_000 }, async () => {
  const t0 = Date.now();
  const now = () => Date.now() - t0;
  const faults: Fault[] = [];
  const s2x: S2x[] = Array.from({ length: COUNT }, () => ({ sentAt: -1, callId: "", copies: [] }));
  const x2s: X2s[] = Array.from({ length: COUNT }, () => ({ sentAt: -1, notSent: false, unacked: false, deliveries: [], errors: [] }));
  const stray: string[] = [];
  let x2sOpen = COUNT; // not yet delivered, errored or reported unsent
  const settle = condition(() => x2sOpen === 0, 120_000, "every XMPP → SIP message to be delivered, errored or reported unsent");
  const x2sEvent = (i: number, mark: (r: X2s) => void) => {
    const r = x2s[i]!;
    const open = r.deliveries.length === 0 && r.errors.length === 0 && !r.notSent && !r.unacked;
    mark(r);
    if (open) { x2sOpen--; settle.check(); }
  };
  const x2sIndex = (s: string | undefined) => { const m = /^x2s-(\d+)$/.exec(s ?? ""); return m ? Number(m[1]) : undefined; };

  juliet.x.on("stanza", (s: Element) => {
    if (!s.is("message")) return;
    const m = /^s2x-(\d+)$/.exec(s.getChildText("body") ?? "");
    if (!m) return;
    const origin = s.getChildren("origin-id").filter((c) => c.attrs.xmlns === SID);
    s2x[Number(m[1])]!.copies.push({ at: now(), id: s.attrs.id, originIds: origin.map((c) => String(c.attrs.id)) });
  });
  aliceGot = (req) => {
    const body = req.body.toString("utf8");
    const i = x2sIndex(body);
    if (i !== undefined) x2sEvent(i, (r) => r.deliveries.push(now()));
    else if (body !== "x2s-barrier") stray.push(body);
  };
  romeo.x.on("stanza", (s: Element) => {
    const i = s.attrs.type === "error" ? x2sIndex(s.attrs.id) : undefined;
    if (i !== undefined) x2sEvent(i, (r) => r.errors.push(now()));
  });
  // XEP-0198: the client is told about every stanza the server never acknowledged.
  romeo.x.streamManagement.on("fail", (s: Element) => { const i = x2sIndex(s.attrs.id); if (i !== undefined) x2sEvent(i, (r) => { r.unacked = true; }); });
  // A client's stream breaking is a fault too: what it had not acknowledged may come again.
  for (const [name, c] of [["juliet", juliet], ["romeo", romeo]] as const) {
    let open: Fault | undefined;
    (c.x as unknown as NodeJS.EventEmitter).on("disconnect", () => { if (open === undefined) faults.push(open = { what: `${name}-stream-lost`, start: now(), done: Infinity }); });
    c.x.on("online", () => { if (open !== undefined) { open.done = now(); open = undefined; } });
  }

  const injected = (async () => {
    for (const [at, what] of [[3000, "kill-bridge"], [8000, "kill-bridge"], [13000, "restart-prosody"]] as const) {
      await sleep(at - now()); // the fault schedule itself, not a wait for an event
      const fault: Fault = { what, start: now(), done: Infinity };
      faults.push(fault);
      if (what === "kill-bridge") {
        const exited = once(stack.bridge.child, "exit");
        stack.bridge.child.kill("SIGKILL");
        await exited;
        await stack.startBridge();
      } else {
        await stack.prosody.restart();
      }
      fault.done = now();
    }
  })();

  const finals: Promise<void>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const due = i * INTERVAL_MS;
    if (due > now()) await sleep(due - now()); // the sending rate
    const r = s2x[i]!;
    r.sentAt = now();
    const started = bob.start({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:bob@${SIP_DOMAIN}`, body: `s2x-${i}` }, 30000);
    r.callId = started.callId;
    finals.push(started.response.then((res) => { r.code = res.status ?? 0; r.finalAt = now(); }, () => { /* no final answer: vanished */ }));
    x2s[i]!.sentAt = now();
    // A real client does not send on a stream that is not (yet again) online; xmpp.js
    // would write into the unauthenticated stream and Prosody would discard it.
    if (romeo.x.status !== "online") x2sEvent(i, (x) => { x.notSent = true; });
    else romeo.send(xml("message", { to: `alice@${SIP_DOMAIN}`, id: `x2s-${i}`, type: "chat" }, xml("body", {}, `x2s-${i}`))).catch(() => x2sEvent(i, (x) => { x.notSent = true; }));
  }
  await injected;
  await Promise.all(finals);
  await settle.done;
  // Barriers: a last message each way. Repeats travel ahead of it — the bridge
  // re-sends its pending deliveries and mod_stox its queue before anything new,
  // offline storage is flushed when Juliet's session starts, and each direction
  // keeps order (one SIP TCP connection, one c2s stream, RFC 3428 §8 queue).
  const lastS2x = juliet.waitFor((s) => s.getChildText("body") === "s2x-barrier", 30000, "the SIP → XMPP barrier");
  // (202 if Juliet's stream is down just then: offline storage keeps order too.)
  await bob.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:bob@${SIP_DOMAIN}`, body: "s2x-barrier" }, 30000);
  await lastS2x;
  if (romeo.x.status !== "online") await once(romeo.x as unknown as NodeJS.EventEmitter, "online");
  const lastX2s = alice.waitFor((m) => m.method === "MESSAGE" && m.body.toString("utf8") === "x2s-barrier", 30000);
  await romeo.send(xml("message", { to: `alice@${SIP_DOMAIN}`, id: "x2s-barrier", type: "chat" }, xml("body", {}, "x2s-barrier")));
  await lastX2s;

  const l = ledger({ faults, s2x, x2s, expectedOriginId: (r) => sipMessageId(r.callId, 1) });
  const report = { count: COUNT, rate_per_s: 1000 / INTERVAL_MS, faults, ...l.report, stray_sip_messages: stray.slice(0, 10) };
  fs.writeFileSync(path.join(stack.dir, "fault-run.json"), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
  const why = (list: string[]) => `${list.slice(0, 10).join("\n")}\n${stack.logs()}`;
  assert.deepEqual(stray, [], "SIP MESSAGEs nobody sent");
  assert.deepEqual(l.vanished, [], why(l.vanished));
  assert.deepEqual(l.badIds, [], why(l.badIds));
  assert.deepEqual(l.repeatsBeyondDoubt, [], why(l.repeatsBeyondDoubt));
  assert.deepEqual(l.erroredButDeliveredNotInDoubt, [], why(l.erroredButDeliveredNotInDoubt));
  assert.deepEqual(l.notSentButDelivered, [], why(l.notSentButDelivered));
  // The same promise as counts: messages repeated, or errored but delivered, never outnumber those in doubt.
  for (const [dir, r] of Object.entries({ "sip-to-xmpp": l.report["sip-to-xmpp"], "xmpp-to-sip": l.report["xmpp-to-sip"] })) {
    assert.ok(r.repeated <= r.inDoubt, `${dir}: ${r.repeated} repeated, ${r.inDoubt} in doubt`);
    assert.ok(r.erroredButDelivered <= r.inDoubt, `${dir}: ${r.erroredButDelivered} errored but delivered, ${r.inDoubt} in doubt`);
  }
});
