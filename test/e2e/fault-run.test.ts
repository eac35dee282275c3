/**
 * Fault run (issue "nothing lost, nothing let in", acceptance 1): 2,000
 * messages each direction at a steady rate while the bridge is SIGKILLed and
 * restarted twice and Prosody is restarted once. Every message must end
 * delivered or errored back to its sender: vanished must be 0. Messages in
 * flight at a kill may repeat; each repeat is counted and reported.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import xml from "@xmpp/xml";
import { SipPeer } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack } from "./stack.js";

const COUNT = 2000;
const INTERVAL_MS = 10; // 100 messages/s each direction
const SETTLE_MS = 20000;

let stack: Stack;
let juliet: TestClient; // XMPP receiver (SIP → XMPP)
let romeo: TestClient;  // XMPP sender (XMPP → SIP)
let bob: SipPeer;       // SIP sender (SIP → XMPP)
let alice: SipPeer;     // SIP receiver (XMPP → SIP), registered over TCP

before(async () => {
  // XEP-0198 on: the XMPP client must learn which stanzas a restarting Prosody never took.
  stack = await startStack({ prosodySmacks: true, kamailioTimeoutMs: 8000, bridgeExtra: { deliver_timeout_ms: "3000", sip_result_timeout_ms: "6000" } });
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret" });
  romeo = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "romeo", password: "romeo-secret" });
  bob = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
  alice = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
  const reg = await alice.request({ method: "REGISTER", ruri: `sip:${SIP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, to: `sip:alice@${SIP_DOMAIN}`, contact: `sip:alice@127.0.0.1:${alice.port};transport=tcp`, expires: 600 });
  assert.equal(reg.response.status, 200);
  alice.answerWith(() => ({ code: 200, reason: "OK" }));
});

after(async () => {
  await juliet?.stop();
  await romeo?.stop();
  bob?.close();
  alice?.close();
  await stack?.stop();
});

/** notSent: the XMPP client was told the server never took it (offline, or XEP-0198 "fail"). */
interface Row { sent: number; delivered: number; errored: number; erroredButDelivered: number; vanished: number; duplicates: number; notSent: number }

test(`fault run: ${COUNT} messages each way; bridge SIGKILLed twice, Prosody restarted once; nothing vanishes`, { timeout: 180_000 }, async () => {
  const s2xFinal = new Map<number, number>();      // i → SIP final code
  const x2sSendFailed = new Set<number>();          // client could not even send
  const events: string[] = [];
  // XEP-0198: the client is told about every stanza the server never acknowledged.
  romeo.x.streamManagement.on("fail", (s) => { const m = /^x2s-(\d+)$/.exec(s.attrs.id ?? ""); if (m) x2sSendFailed.add(Number(m[1])); });
  const t0 = Date.now();
  const faults = (async () => {
    for (const [at, what] of [[3000, "kill-bridge"], [8000, "kill-bridge"], [13000, "restart-prosody"]] as const) {
      await sleep(at - (Date.now() - t0));
      events.push(`${Date.now() - t0} ms: ${what}`);
      if (what === "kill-bridge") {
        stack.bridge.child.kill("SIGKILL");
        await sleep(200);
        await stack.bridge.stop();
        await stack.startBridge();
      } else {
        await stack.prosody.restart();
      }
      events.push(`${Date.now() - t0} ms: ${what} done`);
    }
  })();

  const s2xPending: Promise<void>[] = [];
  for (let i = 0; i < COUNT; i++) {
    const due = t0 + i * INTERVAL_MS;
    if (due > Date.now()) await sleep(due - Date.now());
    s2xPending.push(bob.start({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:bob@${SIP_DOMAIN}`, body: `s2x-${i}` }, 30000)
      .response.then((r) => { s2xFinal.set(i, r.status ?? 0); }, () => { /* no final answer: counted as vanished below */ }));
    // A real client does not send on a stream that is not (yet again) online; xmpp.js
    // would write into the unauthenticated stream and Prosody would discard it.
    if (romeo.x.status !== "online") x2sSendFailed.add(i);
    else romeo.send(xml("message", { to: `alice@${SIP_DOMAIN}`, id: `x2s-${i}`, type: "chat" }, xml("body", {}, `x2s-${i}`))).catch(() => x2sSendFailed.add(i));
  }
  await faults;
  await Promise.all(s2xPending);
  await sleep(SETTLE_MS); // offline storage, retries and timeouts settle

  const count = <T>(list: T[], key: (t: T) => string | undefined) => {
    const m = new Map<string, number>();
    for (const x of list) { const k = key(x); if (k !== undefined) m.set(k, (m.get(k) ?? 0) + 1); }
    return m;
  };
  const gotJuliet = count(juliet.received, (s) => (s.is("message") ? s.getChildText("body") ?? undefined : undefined));
  const gotAlice = count(alice.received, (m) => (m.method === "MESSAGE" ? m.body.toString("utf8") : undefined));
  const errRomeo = count(romeo.received, (s) => (s.attrs.type === "error" ? s.attrs.id : undefined));

  const s2x: Row = { sent: COUNT, delivered: 0, errored: 0, erroredButDelivered: 0, vanished: 0, duplicates: 0, notSent: 0 };
  const x2s: Row = { sent: COUNT, delivered: 0, errored: 0, erroredButDelivered: 0, vanished: 0, duplicates: 0, notSent: 0 };
  const vanished: string[] = [];
  for (let i = 0; i < COUNT; i++) {
    const code = s2xFinal.get(i);
    const n = gotJuliet.get(`s2x-${i}`) ?? 0;
    s2x.duplicates += Math.max(0, n - 1);
    if (code !== undefined && code >= 200 && code < 300) {
      if (n > 0) s2x.delivered++; else { s2x.vanished++; vanished.push(`s2x-${i} (${code}, never received)`); }
    } else if (code !== undefined && code >= 300) {
      s2x.errored++;
      if (n > 0) s2x.erroredButDelivered++;
    } else { s2x.vanished++; vanished.push(`s2x-${i} (no final response)`); }

    const m = gotAlice.get(`x2s-${i}`) ?? 0;
    const e = errRomeo.get(`x2s-${i}`) ?? 0;
    x2s.duplicates += Math.max(0, m - 1);
    if (m > 0) { x2s.delivered++; if (e > 0) x2s.erroredButDelivered++; }
    else if (x2sSendFailed.has(i)) x2s.notSent++;
    else if (e > 0) x2s.errored++;
    else { x2s.vanished++; vanished.push(`x2s-${i} (neither delivered nor errored)`); }
  }
  const report = { count: COUNT, rate_per_s: 1000 / INTERVAL_MS, events, "sip-to-xmpp": s2x, "xmpp-to-sip": x2s, vanished_sample: vanished.slice(0, 20) };
  fs.writeFileSync(path.join(stack.dir, "fault-run.json"), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
  assert.equal(s2x.vanished + x2s.vanished, 0, `vanished: ${vanished.slice(0, 10).join(", ")}\n${stack.logs()}`);
});
