/**
 * sip.send to an AOR with several registered contacts, against a REAL
 * Kamailio 5.6 (the example kamailio.cfg): one MESSAGE per contact, each
 * over the UA's own TCP connection, one sip.result per branch; a ;gr= R-URI
 * (RFC 5627) reaches only that instance (docs/mapping.md, "Devices").
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { parseFrame, sipResultEvent, sipSendAccepted } from "../../common/src/wire/frames.js";
import { freePorts } from "../support/ports.js";
import { tempDir } from "../support/process.js";
import { startKamailio, type RunningKamailio } from "../support/kamailio.js";
import type { SipPeer } from "../support/sip-peer.js";
import { registerDevice, type SipDevice } from "../support/sip-device.js";
import { EvapiBridge } from "../support/evapi-bridge.js";

const XMPP = "xmpp.stox.test";
const SIP = "sip.stox.test";

let kam: RunningKamailio;
let ports: { sip: number; http: number; evapi: number };
let bridge: EvapiBridge;

before(async () => {
  const [sip, httpPort, evapi] = await freePorts(3);
  ports = { sip: sip!, http: httpPort!, evapi: evapi! };
  kam = await startKamailio({
    dir: tempDir("kam-fork"), sipPort: ports.sip, httpPort: ports.http, evapiPort: ports.evapi,
    xmppDomains: [XMPP], sipDomains: [SIP], defines: { FR_TIMER: "2000" },
  });
  bridge = await EvapiBridge.connect(ports);
});

after(async () => {
  await bridge?.close();
  await kam?.stop();
});

function kt(name: string, fn: () => Promise<void>): void {
  test(name, async () => {
    try { await fn(); } catch (err) {
      console.error(`---- kamailio log tail (${name}) ----\n${kam.logTail(60)}`);
      throw err;
    }
  });
}

/** A device registered for `user`, reachable only over its own TCP connection. */
function device(user: string, contactPort: number, instance?: string): Promise<SipDevice> {
  return registerDevice({ sipPort: ports.sip, user, domain: SIP, contactPort, ...(instance !== undefined ? { instance } : {}) });
}

function send(ruri: string, body: string) {
  return {
    type: "sip.send", v: 1, id: `snd-${crypto.randomUUID()}`, ruri, from: `sip:juliet@${XMPP};gr=balcony`, to: ruri.replace(/;gr=.*$/, ""),
    callid: `${crypto.randomUUID()}@${XMPP}`, body, ctype: "text/plain;charset=UTF-8", lookup: true,
  };
}

const messages = (p: SipPeer, body: string) => p.received.filter((m) => m.method === "MESSAGE" && m.body.toString("utf8") === body);

kt("an AOR with two contacts: a MESSAGE to each over its own connection, branches:2, one sip.result per branch", async () => {
  const a = await device("bob", 5991);
  const b = await device("bob", 5992);
  try {
    a.peer.answerWith((req) => (req.method === "MESSAGE" ? { code: 486, reason: "Busy Here" } : undefined));
    b.peer.answerWith((req) => (req.method === "MESSAGE" ? { code: 200, reason: "OK" } : undefined));
    const cmd = send(`sip:bob@${SIP}`, "to every device");
    const r = await bridge.command(cmd);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const accepted = parseFrame(sipSendAccepted, r.json);
    assert.ok(accepted.ok, JSON.stringify(r.json));
    assert.equal(accepted.frame.branches, 2);
    const ma = await a.peer.waitFor((m) => m.method === "MESSAGE", 3000);
    const mb = await b.peer.waitFor((m) => m.method === "MESSAGE", 3000);
    assert.equal(ma.startLine, "MESSAGE sip:bob@127.0.0.1:5991;transport=tcp SIP/2.0");
    assert.equal(mb.startLine, "MESSAGE sip:bob@127.0.0.1:5992;transport=tcp SIP/2.0");
    for (const m of [ma, mb]) {
      assert.equal(m.header("to"), `<sip:bob@${SIP}>`);
      assert.equal(m.header("call-id"), cmd.callid);
      assert.match(m.header("via") ?? "", new RegExp(`^SIP/2\\.0/TCP 127\\.0\\.0\\.1:${ports.sip};`));
    }
    const results = [
      await bridge.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000),
      await bridge.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000),
    ];
    for (const res of results) assert.ok(parseFrame(sipResultEvent, res).ok, JSON.stringify(res));
    const byCode = new Map(results.map((res) => [res.code, res]));
    assert.deepEqual([...byCode.keys()].sort(), [200, 486]);
    assert.deepEqual(results.map((res) => res.branch).sort(), [0, 1]);
  } finally {
    await a.unregister();
    await b.unregister();
  }
});

kt("a ;gr= R-URI reaches only the instance that registered it (RFC 5627): branches:1", async () => {
  const instance = `urn:uuid:${crypto.randomUUID()}`;
  const a = await device("carol", 5993, instance);
  const b = await device("carol", 5994);
  try {
    assert.equal(a.gruu, `sip:carol@${SIP};gr=${instance}`);
    for (const d of [a, b]) d.peer.answerWith((req) => (req.method === "MESSAGE" ? { code: 200, reason: "OK" } : undefined));
    const cmd = send(`sip:carol@${SIP};gr=${instance}`, "only the phone that wrote");
    const r = await bridge.command(cmd);
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.branches, 1);
    const m = await a.peer.waitFor((x) => x.method === "MESSAGE", 3000);
    assert.equal(m.startLine, "MESSAGE sip:carol@127.0.0.1:5993;transport=tcp SIP/2.0");
    const res = await bridge.next((f) => f.type === "sip.result" && f.ref === cmd.id, 3000);
    assert.equal(res.code, 200);
    assert.equal(res.branch, 0);
    // the whole transaction is over at a's 200: nothing was sent to b
    await sleep(300);
    assert.equal(messages(b.peer, "only the phone that wrote").length, 0);
  } finally {
    await a.unregister();
    await b.unregister();
  }
});

kt("a GRUU whose instance is not registered: local 480 (RFC 5627 §5.1), nothing sent", async () => {
  const a = await device("dave", 5995);
  try {
    const cmd = send(`sip:dave@${SIP};gr=urn:uuid:${crypto.randomUUID()}`, "nobody");
    const r = await bridge.command(cmd);
    assert.equal(r.status, 480, JSON.stringify(r.json));
    assert.equal(r.json.local, true);
    await sleep(200);
    assert.equal(messages(a.peer, "nobody").length, 0);
  } finally {
    await a.unregister();
  }
});

kt("branches of one send never leak into the next (per-process branch set)", async () => {
  const a = await device("erin", 5996);
  const b = await device("erin", 5997);
  const c = await device("frank", 5998);
  try {
    for (const d of [a, b, c]) d.peer.answerWith((req) => (req.method === "MESSAGE" ? { code: 200, reason: "OK" } : undefined));
    // Kamailio has 4 HTTP workers: enough sends that each worker runs a forked one first
    for (let i = 0; i < 8; i++) {
      const forked = await bridge.command(send(`sip:erin@${SIP}`, `fork ${i}`));
      assert.equal(forked.json.branches, 2);
      const single = await bridge.command(send(`sip:frank@${SIP}`, `single ${i}`));
      assert.equal(single.json.branches, 1, JSON.stringify(single.json));
    }
    await c.peer.waitFor((m) => m.method === "MESSAGE" && m.body.toString() === "single 7", 3000);
    await a.peer.waitFor((m) => m.method === "MESSAGE" && m.body.toString() === "fork 7", 3000);
    await b.peer.waitFor((m) => m.method === "MESSAGE" && m.body.toString() === "fork 7", 3000);
    assert.equal(a.peer.received.filter((m) => m.method === "MESSAGE" && m.body.toString().startsWith("single")).length, 0);
    assert.equal(b.peer.received.filter((m) => m.method === "MESSAGE" && m.body.toString().startsWith("single")).length, 0);
    for (let i = 0; i < 8 * 3; i++) await bridge.next((f) => f.type === "sip.result", 3000);
  } finally {
    await a.unregister();
    await b.unregister();
    await c.unregister();
  }
});

kt("both contacts silent: each branch reports its own local 408 (evtype 2)", async () => {
  const a = await device("gina", 5990);
  const b = await device("gina", 5989);
  try {
    const cmd = send(`sip:gina@${SIP}`, "anyone?");
    const r = await bridge.command(cmd);
    assert.equal(r.json.branches, 2);
    const results = [
      await bridge.next((f) => f.type === "sip.result" && f.ref === cmd.id, 6000),
      await bridge.next((f) => f.type === "sip.result" && f.ref === cmd.id, 6000),
    ];
    assert.deepEqual(results.map((x) => [x.code, x.evtype]), [[408, 2], [408, 2]]);
    assert.deepEqual(results.map((x) => x.branch).sort(), [0, 1]);
  } finally {
    await a.unregister();
    await b.unregister();
  }
});
