/**
 * The real bridge process between fake adapters (the real wire protocols) and
 * a real DNS server (dnsmasq): what each adapter is told for each kind of
 * domain (docs/resolution.md), the cache entries, and loop refusals — static
 * mis-classification and the bridge's own messages coming back.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { FakeKamailio, rawMessage } from "../support/fake-kamailio.js";
import { FakeProsody } from "../support/fake-prosody.js";
import { startBridge } from "../support/bridge.js";
import { startDnsmasq, type RunningDnsmasq } from "../support/dnsmasq.js";
import { tempDir, tail, type Managed } from "../support/process.js";

let kam: FakeKamailio;
let pro: FakeProsody;
let bridge: Managed;
let dns: RunningDnsmasq;
let seq = 0;

before(async () => {
  const dir = tempDir("resolve-bridge");
  dns = await startDnsmasq({
    dir: path.join(dir, "dns"), ttl: 60,
    zone: {
      srv: [
        { name: "_xmpp-server._tcp.xo.test", target: "xmpp.xo.test", port: 5269 },
        { name: "_sip._udp.so.test", target: "sip.so.test", port: 5060 },
        { name: "_xmpp-server._tcp.bo.test", target: "xmpp.bo.test", port: 5269 },
      ],
      naptr: [{ name: "bo.test", service: "SIP+D2T", replacement: "_sip._tcp.bo.test" }],
    },
  });
  kam = new FakeKamailio();
  await kam.start();
  bridge = await startBridge({
    dir, evapiPort: kam.evapiPort, prosodySocket: path.join(dir, "p.sock"),
    extra: { dns_server: dns.address, dns_negative_ttl: "120" },
  }, [/"msg":"bridge started"/]);
  pro = new FakeProsody(path.join(dir, "p.sock"), { sip_domains: ["loop.test"] });
  await pro.connect();
  await kam.until(() => kam.hellos.length > 0, 5000, "bridge hello on evapi");
  // Kamailio's static XMPP list also names loop.test: the mis-classification.
  kam.sendEvent({ type: "hello", v: 1, id: "k-hello-loop", role: "kamailio", version: "fake", sip_domains: ["sip.example"], xmpp_domains: ["xmpp.example", "loop.test"] });
  await pro.until(() => pro.of("hello").length > 0, 5000, "bridge hello to prosody");
});

after(async () => {
  pro?.close();
  await bridge?.stop();
  await kam?.stop();
  await dns?.stop();
});

async function withLog<T>(fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (e) {
    (e as Error).message += "\n--- bridge log ---\n" + tail(bridge.log(), 30);
    throw e;
  }
}

async function sipMessage(ruri: string, opts: { resolve?: boolean; body?: string; callId?: string } = {}): Promise<any> {
  const tindex = String(++seq);
  let msg = rawMessage({ ruri, to: ruri, body: opts.body ?? `m${seq}` });
  if (opts.callId !== undefined) msg = msg.replace("Call-ID: c1@host", `Call-ID: ${opts.callId}`);
  else msg = msg.replace("Call-ID: c1@host", `Call-ID: c${seq}@host`);
  kam.sendEvent({ type: "sip.message", v: 1, id: `${tindex}:1`, tindex, tlabel: "1", ruri, msg, ...(opts.resolve ? { resolve: true } : {}) });
  await kam.until(() => kam.commands.some((c) => c.body?.type === "sip.resume" && c.body.tindex === tindex), 8000, `resume for ${tindex}`);
  return kam.commands.find((c) => c.body?.type === "sip.resume" && c.body.tindex === tindex)!.body;
}

async function resolveFrame(domain: string): Promise<any> {
  const id = `rq-${++seq}`;
  pro.send({ type: "resolve", v: 1, id, domain });
  await pro.until(() => pro.frames.some((f) => f.ref === id), 8000, `resolved for ${domain}`);
  return pro.frames.find((f) => f.ref === id);
}

async function stanza(xml: string): Promise<{ done: any; sends: number }> {
  const id = `st-${++seq}`;
  const before = kam.commands.filter((c) => c.body?.type === "sip.send").length;
  pro.send({ type: "xmpp.stanza", v: 1, id, host: "xmpp.example", xml });
  await pro.until(() => pro.frames.some((f) => f.type === "xmpp.stanza-done" && f.ref === id), 8000, `stanza-done for ${id}`);
  const done = pro.frames.find((f) => f.type === "xmpp.stanza-done" && f.ref === id);
  return { done, sends: kam.commands.filter((c) => c.body?.type === "sip.send").length - before };
}

test("Kamailio asks (resolve:true) for an XMPP-only domain: bridged, resumed 200 with cache xmpp + TTL", () => withLog(async () => {
  const before = pro.of("xmpp.deliver").length;
  const r = await sipMessage("sip:juliet@xo.test", { resolve: true });
  assert.equal(r.code, 200);
  assert.deepEqual(r.cache, { domain: "xo.test", verdict: "xmpp", ttl: 60 });
  assert.equal(pro.of("xmpp.deliver").length, before + 1);
}));

test("Kamailio asks for a SIP-only or both domain: sip.resume route native, cache sip, nothing delivered", () => withLog(async () => {
  for (const d of ["so.test", "bo.test"]) {
    const before = pro.of("xmpp.deliver").length;
    const r = await sipMessage(`sip:bob@${d}`, { resolve: true });
    assert.equal(r.route, "native", d);
    assert.equal(r.cache?.verdict, "sip", d);
    assert.equal(pro.of("xmpp.deliver").length, before, d);
  }
}));

test("Kamailio asks for a domain with neither: 404, cache none for the negative TTL", () => withLog(async () => {
  const r = await sipMessage("sip:bob@nothing.test", { resolve: true });
  assert.equal(r.code, 404);
  assert.deepEqual(r.cache, { domain: "nothing.test", verdict: "none", ttl: 120 });
}));

test("Prosody asks (resolve): sip-only → sip, xmpp-only and both → xmpp (s2s), neither → none", () => withLog(async () => {
  const expect: Record<string, string> = { "so.test": "sip", "xo.test": "xmpp", "bo.test": "xmpp", "nothing.test": "none", "sip.example": "sip" };
  for (const [domain, verdict] of Object.entries(expect)) {
    const f = await resolveFrame(domain);
    assert.equal(f.type, "resolved");
    assert.equal(f.domain, domain);
    assert.equal(f.verdict, verdict, domain);
    assert.ok(f.ttl > 0 && f.ttl <= 120, `${domain} ttl ${f.ttl}`);
  }
}));

test("the second question about a domain is answered from the cache: no new DNS query", () => withLog(async () => {
  await resolveFrame("xo.test");
  const n = dns.countUnder("xo.test");
  await resolveFrame("xo.test");
  await sipMessage("sip:juliet@xo.test", { resolve: true });
  assert.equal(dns.countUnder("xo.test"), n);
}));

test("mis-classification (Kamailio lists loop.test as XMPP, Prosody as SIP): SIP → XMPP refused 482, nothing delivered", () => withLog(async () => {
  const before = pro.of("xmpp.deliver").length;
  const r = await sipMessage("sip:juliet@loop.test");
  assert.equal(r.code, 482);
  assert.equal(pro.of("xmpp.deliver").length, before);
}));

test("mis-classification: XMPP → SIP to loop.test refused with <policy-violation/>, no sip.send", () => withLog(async () => {
  const { done, sends } = await stanza("<message from='alice@xmpp.example/r' to='bob@loop.test' id='LOOPID' type='chat'><body>hi</body></message>");
  assert.equal(done.outcome, "error");
  assert.equal(sends, 0);
  const err = pro.of("xmpp.deliver").find((f) => f.xml.includes("LOOPID"));
  assert.match(err?.xml ?? "", /policy-violation/);
}));

test("XMPP → SIP to a domain DNS says is XMPP is refused (the other server would send it back)", () => withLog(async () => {
  await resolveFrame("xo.test");
  const { done, sends } = await stanza("<message from='alice@xmpp.example/r' to='carol@xo.test' id='XO1' type='chat'><body>hi</body></message>");
  assert.equal(done.outcome, "error");
  assert.equal(sends, 0);
}));

test("loop fingerprints: a MESSAGE the bridge emitted coming back (same Call-ID via a foreign gateway) is refused 482; a real repeat passes", () => withLog(async () => {
  const first = await sipMessage("sip:juliet@xo.test", { body: "round trip", callId: "loop-1@ua" });
  assert.equal(first.code, 200);
  const back = await sipMessage("sip:juliet@xo.test", { body: "round trip", callId: "loop-1@ua" });
  assert.equal(back.code, 482);
  const repeat = await sipMessage("sip:juliet@xo.test", { body: "round trip", callId: "loop-2@ua" });
  assert.equal(repeat.code, 200);
}));

test("loop fingerprints: a stanza coming back with the Call-ID the bridge gave its MESSAGE as <thread/> is refused", () => withLog(async () => {
  const sent = await stanza("<message from='alice@xmpp.example/r' to='bob@so.test' id='S7A' type='chat'><body>echo</body></message>");
  assert.equal(sent.sends, 1);
  const callid = kam.commands.filter((c) => c.body?.type === "sip.send").at(-1)!.body.callid as string;
  const back = await stanza(`<message from='alice@xmpp.example/r' to='bob@so.test' id='S7B' type='chat'><thread>${callid}</thread><body>echo</body></message>`);
  assert.equal(back.done.outcome, "error");
  assert.equal(back.sends, 0);
  assert.match(pro.of("xmpp.deliver").find((f) => f.xml.includes("S7B"))?.xml ?? "", /policy-violation/);
}));
