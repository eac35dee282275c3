/**
 * Domain resolution end to end (RFC 7247 §5; docs/resolution.md): real
 * Kamailio, real Prosody, the bridge, and a real DNS server (dnsmasq on a
 * loopback high port with SRV and NAPTR records) that the bridge and both
 * Prosody instances ask. What the DNS says about each test domain:
 *
 * | domain            | records                                  | served by                         |
 * |-------------------|------------------------------------------|-----------------------------------|
 * | xmpp-peer.test    | _xmpp-server._tcp SRV only               | Prosody B (a second instance)     |
 * | sip-peer.test     | SIP NAPTR → _sip._udp SRV only           | a SIP UAS on loopback             |
 * | both.test         | both                                     | Prosody B *and* the SIP UAS       |
 * | void.test         | nothing                                  | nobody                            |
 * | ttl-*.test        | SIP NAPTR + SRV, TTL = TTL s             | the SIP UAS                       |
 * | native-*.test     | one kind each, never asked before        | B / the UAS (bridge stopped)      |
 * | loop.test         | nothing; Kamailio lists it as XMPP, Prosody as SIP (the mis-classification) |
 *
 * "Reached through the bridge" is meaningful because neither host could
 * reach these users alone: Kamailio has no XMPP, Prosody A has no SIP; the
 * XMPP user sits on another server (B) reached over real s2s found by SRV, and
 * the SIP user is a UAS Kamailio finds by SRV.
 *
 * Kamailio's own DNS: it uses the system resolver, which cannot be pointed
 * at a port other than 53 (glibc's resolv.conf has no port), so the test
 * mirrors the SIP records into Kamailio's DNS cache over RPC (dns.add_srv /
 * dns.add_a; use_dns_cache=yes with WITH_FOREIGN_RELAY). Kamailio's native
 * routing is then its ordinary RFC 3263 SRV resolution, without leaving
 * loopback. The bridge and Prosody ask dnsmasq itself.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import { EventEmitter, once } from "node:events";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { xml } from "@xmpp/client";
import { parseSip, SipPeer, type SipMessage } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { startDnsmasq, type RunningDnsmasq, type Zone } from "../support/dnsmasq.js";
import { startPeerProsody, type PeerProsody } from "../support/prosody-peer.js";
import { freePort } from "../support/ports.js";
import { tail, tempDir } from "../support/process.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack } from "./stack.js";
import { bridgeCounters } from "./observe.js";

const TTL = 4;
const B_HOSTS = ["xmpp-peer.test", "both.test", "native-xmpp.test"];
const SIP_ONLY = ["sip-peer.test", "ttl-sip.test", "ttl-x.test", "native-sip.test", "both.test"];

let dns: RunningDnsmasq;
let peer: PeerProsody;
let stack: Stack;
let uas: Uas;
let ua: SipPeer;
let juliet: TestClient;
const alice: Record<string, TestClient> = {};

/** A SIP UAS on loopback: answers every MESSAGE with 200 (486 to a barrier), to the address it came from. */
class Uas {
  readonly got: SipMessage[] = [];
  private readonly arrivals = new EventEmitter();
  private constructor(readonly socket: dgram.Socket) {}
  static async open(): Promise<Uas> {
    const socket = dgram.createSocket("udp4");
    await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
    const uas = new Uas(socket);
    socket.on("message", (raw, from) => {
      let m: SipMessage;
      try { m = parseSip(raw); } catch { return; }
      if (m.method === undefined || m.method === "ACK") return;
      uas.got.push(m);
      const busy = m.body.toString("utf8").startsWith("barrier ");
      socket.send(busy ? SipPeer.response(m, 486, "Busy Here") : SipPeer.response(m, 200, "OK"), from.port, from.address);
      uas.arrivals.emit("message");
    });
    return uas;
  }
  get port(): number { return this.socket.address().port; }
  withBody(text: string): SipMessage[] { return this.got.filter((m) => m.body.toString("utf8") === text); }
  async waitBody(text: string, ms = 8000): Promise<SipMessage> {
    const signal = AbortSignal.timeout(ms);
    for (;;) {
      const hit = this.withBody(text)[0];
      if (hit) return hit;
      try { await once(this.arrivals, "message", { signal }); } catch {
        throw new Error(`UAS: no MESSAGE with body ${JSON.stringify(text)} within ${ms} ms`);
      }
    }
  }
  close(): void { this.socket.close(); }
}

before(async () => {
  const dir = tempDir("resolution");
  uas = await Uas.open();
  const [aS2s, bS2s] = [await freePort(), await freePort()];
  const zone: Zone = {
    hosts: [{ name: "a.host.test", address: "127.0.0.1" }, { name: "b.host.test", address: "127.0.0.1" }, { name: "uas.host.test", address: "127.0.0.1" }],
    srv: [
      // Prosody A's own domains, for B's dialback (never classified by DNS: they are local)
      { name: `_xmpp-server._tcp.${XMPP_DOMAIN}`, target: "a.host.test", port: aS2s },
      { name: `_xmpp-server._tcp.${SIP_DOMAIN}`, target: "a.host.test", port: aS2s },
      ...B_HOSTS.map((h) => ({ name: `_xmpp-server._tcp.${h}`, target: "b.host.test", port: bS2s })),
      ...SIP_ONLY.map((d) => ({ name: `_sip._udp.${d}`, target: "uas.host.test", port: uas.port })),
    ],
    naptr: SIP_ONLY.map((d) => ({ name: d, service: "SIP+D2U", replacement: `_sip._udp.${d}` })),
  };
  dns = await startDnsmasq({ dir: path.join(dir, "dns"), ttl: TTL, zone });
  peer = await startPeerProsody({
    dir: path.join(dir, "prosody-b"), hosts: B_HOSTS, dns: dns.address, s2sPort: bS2s,
    users: B_HOSTS.map((host) => ({ user: "alice", host, password: "alice-secret" })),
  });
  stack = await startStack({
    dnsServer: dns.address, s2sPort: aS2s,
    foreignSipDomains: ["sip.example.org", "loop.test"],
    kamailioDefines: { WITH_FOREIGN_RELAY: true, STOX_XMPP_DOMAINS: `"${XMPP_DOMAIN},loop.test"` },
  });
  // Kamailio's resolver: the same SIP records, in its DNS cache (see the header comment).
  await stack.kamailio.rpc("dns.add_a", ["uas.host.test", 3600, "127.0.0.1", 0]);
  for (const d of SIP_ONLY) await stack.kamailio.rpc("dns.add_srv", [`_sip._udp.${d}`, 3600, 10, 10, uas.port, "uas.host.test", 0]);
  ua = await SipPeer.open("udp", { host: "127.0.0.1", port: stack.ports.sip });
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret", resource: "balcony" });
  for (const h of B_HOSTS) alice[h] = await connectClient({ port: peer.c2sPort, domain: h, username: "alice", password: "alice-secret" });
});

after(async () => {
  for (const c of Object.values(alice)) await c.stop();
  await juliet?.stop();
  ua?.close();
  await stack?.stop();
  await peer?.stop();
  await dns?.stop();
  uas?.close();
});

async function withLogs<T>(fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (e) {
    (e as Error).message += `\n${stack.logs()}\n--- prosody A ---\n${stack.prosody.logTail(30)}\n--- prosody B ---\n${peer.logTail(30)}\n--- dns ---\n${tail(dns.queries().map((q) => `${q.type} ${q.name}`).join("\n"), 20)}`;
    throw e;
  }
}

let n = 0;
const unique = (what: string) => `${what} ${++n} ${Date.now()}`;
const fromSip = (to: string, body: string, ms = 10000) => ua.request({ method: "MESSAGE", ruri: `sip:${to}`, to: `sip:${to}`, from: `sip:romeo@${SIP_DOMAIN}`, body }, ms);
const fromXmpp = (to: string, body: string, id = `m${++n}`) => juliet.send(xml("message", { to, id, type: "chat" }, xml("body", {}, body)));
/**
 * A message to the SIP-only domain that the UAS answers 486: when its error
 * reaches Juliet, what the bridge sent to SIP before it has been sent, and the
 * error stanzas it produced before it have reached Juliet (one link, one stream).
 */
async function barrier(): Promise<void> {
  const id = `barrier-${++n}`;
  const err = juliet.waitFor((s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id, 10000, "the barrier's error");
  await fromXmpp("bob@sip-peer.test", `barrier ${id}`, id);
  await err;
}
const bodyIs = (text: string) => (s: { is(n: string): boolean; getChildText(n: string): string | null }) => s.is("message") && s.getChildText("body") === text;

test("a domain with only _xmpp-server._tcp SRV is reached from SIP through the bridge (s2s to Prosody B)", () => withLogs(async () => {
  const text = unique("to the XMPP-only domain");
  const got = alice["xmpp-peer.test"]!.waitFor(bodyIs(text), 15000, "the message on Prosody B");
  const { response } = await fromSip("alice@xmpp-peer.test", text);
  assert.equal(response.status, 202, "relayed over s2s: accepted, the remote outcome is asynchronous");
  const s = await got;
  assert.equal(s.attrs.from, `romeo@${SIP_DOMAIN}`);
  assert.equal(uas.withBody(text).length, 0);
}));

test("a domain with only SIP NAPTR/SRV is reached from XMPP through the bridge (Kamailio finds the UAS by SRV)", () => withLogs(async () => {
  const text = unique("to the SIP-only domain");
  await fromXmpp("bob@sip-peer.test", text);
  const m = await uas.waitBody(text);
  assert.match(m.startLine, /^MESSAGE sip:bob@sip-peer\.test SIP\/2\.0$/);
  assert.match(m.header("from") ?? "", /<sip:juliet@xmpp\.stox\.test;gr=balcony>/);
  const errorsBefore = juliet.received.filter((s) => s.attrs.type === "error").length;
  await barrier();
  // Only the barrier's own error: none for the message itself.
  assert.equal(juliet.received.filter((s) => s.attrs.type === "error").length, errorsBefore + 1);
}));

test("a domain with both is never sent through the bridge: SIP stays SIP, XMPP stays XMPP", () => withLogs(async () => {
  const before = await bridgeCounters(stack.bridge);
  const bySip = unique("both via SIP");
  const { response } = await fromSip("alice@both.test", bySip);
  assert.equal(response.status, 200, "Kamailio relayed it to the UAS itself");
  assert.equal(uas.withBody(bySip).length, 1);
  const byXmpp = unique("both via XMPP");
  const got = alice["both.test"]!.waitFor(bodyIs(byXmpp), 15000, "the message on Prosody B");
  await fromXmpp("alice@both.test", byXmpp);
  assert.equal((await got).attrs.from, `juliet@${XMPP_DOMAIN}/balcony`);
  // The bridge was asked only to classify (its counters): the SIP one came back
  // "native" without a delivery, and no stanza for SIP reached it.
  const after = await bridgeCounters(stack.bridge);
  const delta = (a: Record<string, number>, b: Record<string, number>) =>
    Object.fromEntries(Object.keys(a).filter((k) => a[k] !== (b[k] ?? 0)).map((k) => [k, a[k]! - (b[k] ?? 0)]));
  assert.deepEqual(delta(after.outcomes, before.outcomes), { "sip-to-xmpp:ignored:native-route": 1 });
  assert.deepEqual(delta(after.frames, before.frames), { "kamailio:sip.message": 1, "prosody:resolve": 1, "prosody:resolved-native": 1 });
  assert.equal(uas.withBody(byXmpp).length, 0, "not translated to SIP");
  assert.equal(alice["both.test"]!.received.filter(bodyIs(bySip)).length, 0, "not translated to XMPP");
  const log = stack.bridge.log();
  assert.match(log, /"msg":"domain resolved","dir":"sip-to-xmpp"[^\n]*"domain":"both.test","verdict":"both"[^\n]*"route":"native"/);
  assert.match(log, /"msg":"domain resolved","dir":"xmpp-to-sip","domain":"both.test","verdict":"both"[^\n]*"route":"native"/);
  assert.doesNotMatch(log, /"msg":"(answered|sip error)"[^\n]*both/);
}));

test("a domain with neither: 404 on the SIP side, <remote-server-not-found/> on the XMPP side", () => withLogs(async () => {
  const { response } = await fromSip("nobody@void.test", unique("void via SIP"));
  assert.equal(response.status, 404);
  const id = `void-${Date.now()}`;
  const err = juliet.waitFor((s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id, 10000, "the error stanza");
  await fromXmpp("nobody@void.test", unique("void via XMPP"), id);
  const e = (await err).getChild("error");
  assert.equal(e?.attrs.type, "cancel");
  assert.ok(e?.getChild("remote-server-not-found"), e?.toString());
}));

test("DNS is asked once per TTL: a second message makes no query (query log), after the TTL exactly one lookup", () => withLogs(async () => {
  // SIP side: Kamailio keeps the verdict in htable stox_dom for the TTL.
  const names = ["_xmpp-server._tcp.ttl-sip.test", "ttl-sip.test"];
  const count = () => names.map((nm) => dns.count(nm));
  const q0 = count();
  assert.equal((await fromSip("bob@ttl-sip.test", unique("ttl 1"))).response.status, 200);
  const q1 = count();
  assert.deepEqual(q1.map((c, i) => c - q0[i]!), [1, 1], "first message: one SRV and one NAPTR query");
  assert.equal((await fromSip("bob@ttl-sip.test", unique("ttl 2"))).response.status, 200);
  assert.deepEqual(count(), q1, "second message: no DNS query at all");
  // XMPP side: mod_stox keeps the verdict for the TTL.
  const xnames = ["_xmpp-server._tcp.ttl-x.test", "ttl-x.test"];
  const xcount = () => xnames.map((nm) => dns.count(nm));
  const x0 = xcount();
  for (const i of [1, 2]) {
    const text = unique(`ttl-x ${i}`);
    await fromXmpp("bob@ttl-x.test", text);
    await uas.waitBody(text);
  }
  assert.deepEqual(xcount().map((c, i) => c - x0[i]!), [1, 1], "two stanzas, one lookup");
  console.log(`DNS queries: SIP side first message ${q1[0]! - q0[0]! + q1[1]! - q0[1]!}, second 0; XMPP side two stanzas ${xcount()[0]! - x0[0]! + xcount()[1]! - x0[1]!}`);

  await sleep((TTL + 1.5) * 1000); // the TTL running out is what is tested here, not a stand-in for an event
  assert.equal((await fromSip("bob@ttl-sip.test", unique("ttl 3"))).response.status, 200);
  assert.deepEqual(count().map((c, i) => c - q1[i]!), [1, 1], "after the TTL: exactly one lookup");
  const x1 = xcount();
  const text = unique("ttl-x 3");
  await fromXmpp("bob@ttl-x.test", text);
  await uas.waitBody(text);
  assert.deepEqual(xcount().map((c, i) => c - x1[i]!), [1, 1], "after the TTL: exactly one lookup");
}));

test("with the bridge stopped, domains the hosts reach natively still work (Kamailio relays, Prosody uses s2s)", () => withLogs(async () => {
  const marks = [stack.kamailio.proc.log().length, stack.prosody.proc.log().length] as const;
  await stack.bridge.stop();
  // Both hosts have seen the link close.
  await stack.kamailio.proc.waitForLog(/stox: bridge connection \d+ closed \(bridges=0\)/, 5000, marks[0]);
  await stack.prosody.proc.waitForLog(/Bridge link lost/, 5000, marks[1]);
  try {
    const bySip = unique("native SIP, no bridge");
    const { response } = await fromSip("bob@native-sip.test", bySip);
    assert.equal(response.status, 200);
    assert.equal(uas.withBody(bySip).length, 1);
    const byXmpp = unique("native XMPP, no bridge");
    const got = alice["native-xmpp.test"]!.waitFor(bodyIs(byXmpp), 15000, "the message on Prosody B");
    await fromXmpp("alice@native-xmpp.test", byXmpp);
    await got;
  } finally {
    await stack.startBridge();
  }
}));

test("no configuration makes a loop: loop.test (XMPP for Kamailio, SIP for Prosody) is refused — 482 / <policy-violation/>", () => withLogs(async () => {
  const bySip = unique("loop via SIP");
  const { response } = await fromSip("juliet@loop.test", bySip);
  assert.equal(response.status, 482);
  const id = `loop-${Date.now()}`;
  const err = juliet.waitFor((s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id, 10000, "the error stanza");
  const byXmpp = unique("loop via XMPP");
  await fromXmpp("bob@loop.test", byXmpp, id);
  const e = (await err).getChild("error");
  assert.ok(e?.getChild("policy-violation"), e?.toString());
  await barrier();
  assert.equal(uas.withBody(byXmpp).length + uas.withBody(bySip).length, 0);
  const refusals = stack.bridge.log().split("\n").filter((l) => l.includes('"code":"loop-detected"'));
  assert.equal(refusals.length, 2, refusals.join("\n"));
}));
