/**
 * stox-resolve.cfg in a real Kamailio (the example kamailio.cfg, without
 * WITH_FOREIGN_RELAY) driven by a fake bridge speaking the real wire protocol:
 * which MESSAGEs are asked about, the htable verdict cache and its expiry,
 * the native hand-back, and what happens when the bridge goes away.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter, once } from "node:events";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { encodeNetstring, NetstringDecoder } from "../../common/src/wire/netstring.js";
import { httpPost, startKamailio, type RunningKamailio } from "../support/kamailio.js";
import { freePorts } from "../support/ports.js";
import { SipPeer } from "../support/sip-peer.js";
import { tempDir, tail } from "../support/process.js";

const SIP = "sip.stox.test";
const XMPP = "xmpp.stox.test";
let kam: RunningKamailio;
let ports: { sip: number; http: number; evapi: number };
let ua: SipPeer;

/** The bridge's side of evapi: hello, then every event it receives. */
class EvapiPeer {
  readonly events: any[] = [];
  private readonly arrivals = new EventEmitter();
  private constructor(readonly socket: net.Socket) {
    const dec = new NetstringDecoder(1 << 20);
    socket.on("data", (c) => { for (const p of dec.push(c)) this.events.push(JSON.parse(p.toString("utf8"))); this.arrivals.emit("event"); });
    socket.on("error", () => {});
  }
  static async connect(): Promise<EvapiPeer> {
    const socket = net.connect({ host: "127.0.0.1", port: ports.evapi });
    await new Promise<void>((resolve, reject) => { socket.once("connect", resolve); socket.once("error", reject); });
    const peer = new EvapiPeer(socket);
    socket.write(encodeNetstring(JSON.stringify({ type: "hello", v: 1, id: "b-1", role: "bridge" })));
    await peer.next((f) => f.type === "hello", 3000);
    return peer;
  }
  async next(pred: (f: any) => boolean, ms = 3000): Promise<any> {
    const signal = AbortSignal.timeout(ms);
    for (;;) {
      const i = this.events.findIndex(pred);
      if (i >= 0) return this.events.splice(i, 1)[0];
      try { await once(this.arrivals, "event", { signal }); } catch {
        throw new Error(`no matching evapi event within ${ms} ms; have ${JSON.stringify(this.events).slice(0, 300)}`);
      }
    }
  }
  /** Closes the connection and waits until Kamailio has counted it out. */
  async close(): Promise<void> {
    const mark = kam.proc.log().length;
    this.socket.destroy();
    await kam.proc.waitForLog(/stox: bridge connection \d+ closed \(bridges=0\)/, 5000, mark);
  }
  /**
   * A MESSAGE to the static XMPP domain, relayed to this bridge and answered:
   * events Kamailio relayed before it have arrived before it.
   */
  async barrier(): Promise<void> {
    const p = ua.start(message(XMPP, "barrier"), 5000);
    const ev = await this.next((f) => f.type === "sip.message" && f.ruri === `sip:bob@${XMPP}`);
    await resume(ev, { code: 200, reason: "OK" });
    assert.equal((await p.response).status, 200);
  }
}

before(async () => {
  const [sip, http, evapi] = await freePorts(3) as [number, number, number];
  ports = { sip, http, evapi };
  kam = await startKamailio({ dir: path.join(tempDir("resolve-kam"), "k"), sipPort: sip, httpPort: http, evapiPort: evapi, xmppDomains: [XMPP], sipDomains: [SIP], timeoutMs: 3000 });
  ua = await SipPeer.open("udp", { host: "127.0.0.1", port: sip });
});

after(async () => {
  ua?.close();
  await kam?.stop();
});

async function withLog<T>(fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (e) {
    (e as Error).message += "\n--- kamailio ---\n" + tail(kam.logTail(30), 30);
    throw e;
  }
}

const message = (domain: string, body = "hi") => ({ method: "MESSAGE", ruri: `sip:bob@${domain}`, to: `sip:bob@${domain}`, from: `sip:alice@${SIP}`, body });

async function resume(ev: any, fields: Record<string, unknown>): Promise<{ status: number; text: string }> {
  return httpPost(ports.http, "/stox", JSON.stringify({ type: "sip.resume", v: 1, id: `r-${ev.tindex}`, tindex: ev.tindex, tlabel: ev.tlabel, ...fields }));
}

const cached = async (domain: string) => {
  const r = await kam.rpc("htable.get", ["stox_dom", domain]).catch(() => undefined);
  return r?.item?.value as string | undefined;
};

test("an unknown domain is asked with resolve:true; local, static and numeric ones never are", () => withLog(async () => {
  const bridge = await EvapiPeer.connect();
  try {
    const pending = ua.start(message("unknown.test"), 5000);
    const ev = await bridge.next((f) => f.type === "sip.message");
    assert.equal(ev.resolve, true);
    assert.equal(ev.ruri, "sip:bob@unknown.test");
    await resume(ev, { code: 404, reason: "Not Found" });
    assert.equal((await pending.response).status, 404);

    const staticXmpp = ua.start(message(XMPP), 5000);
    const ev2 = await bridge.next((f) => f.type === "sip.message");
    assert.equal(ev2.resolve, undefined);
    await resume(ev2, { code: 200, reason: "OK" });
    assert.equal((await staticXmpp.response).status, 200);

    // The example cfg's own routing (docs/resolution.md: "not for the bridge"):
    // the local domain's location lookup finds nobody; a numeric host is not served.
    for (const [d, status, reason] of [[SIP, 404, "Not Found"], ["127.0.0.1:1", 404, "Domain Not Served"]] as const) {
      const r = await ua.request(message(d), 5000);
      assert.deepEqual([r.response.status, r.response.reason], [status, reason], d);
    }
    await bridge.barrier();
    assert.equal(bridge.events.filter((f) => f.type === "sip.message").length, 0, "local SIP domain and numeric host: not asked");
  } finally { await bridge.close(); }
}));

test("the verdict is kept in htable stox_dom for its TTL: xmpp → no resolve flag; sip → the site's routing; none → 404; then asked again", () => withLog(async () => {
  const bridge = await EvapiPeer.connect();
  try {
    const first = ua.start(message("x.test"), 5000);
    const ev = await bridge.next((f) => f.type === "sip.message");
    await resume(ev, { code: 200, reason: "OK", cache: { domain: "x.test", verdict: "xmpp", ttl: 2 } });
    const setAt = Date.now();
    assert.equal((await first.response).status, 200);
    assert.equal(await cached("x.test"), "xmpp");
    const second = ua.start(message("x.test"), 5000);
    const ev2 = await bridge.next((f) => f.type === "sip.message");
    assert.equal(ev2.resolve, undefined, "cached as XMPP: a plain event");
    await resume(ev2, { code: 200, reason: "OK" });
    await second.response;

    for (const [domain, verdict, status] of [["s.test", "sip", 404], ["n.test", "none", 404]] as const) {
      const p = ua.start(message(domain), 5000);
      const e = await bridge.next((f) => f.type === "sip.message");
      await resume(e, { code: 404, reason: "Not Found", route: verdict === "sip" ? "native" : undefined, cache: { domain, verdict, ttl: 2 } });
      assert.equal((await p.response).status, status);
      const again = await ua.request(message(domain), 5000);
      assert.equal(again.response.status, 404, domain);
      assert.equal(again.response.reason, verdict === "sip" ? "Domain Not Served" : "Not Found", domain);
    }
    await bridge.barrier();
    assert.equal(bridge.events.filter((f) => f.type === "sip.message").length, 0, "answered from the cache");

    // Expiry is the event: watch the entry go (htable expiry has one-second
    // granularity, so a ttl-2 entry lives between 1 and 3 s after it was set).
    while (await cached("x.test") !== undefined) {
      assert.ok(Date.now() - setAt < 4000, "still cached 4 s after a 2 s TTL");
      await sleep(100);
    }
    assert.ok(Date.now() - setAt >= 1000, "expired before its TTL");
    const later = ua.start(message("x.test"), 5000);
    const ev3 = await bridge.next((f) => f.type === "sip.message");
    assert.equal(ev3.resolve, true, "asked again after the TTL");
    await resume(ev3, { code: 200, reason: "OK" });
    await later.response;
  } finally { await bridge.close(); }
}));

test("route native hands the MESSAGE to the site's policy (here: 404 Domain Not Served), not 504", () => withLog(async () => {
  const bridge = await EvapiPeer.connect();
  try {
    const p = ua.start(message("native.test"), 5000);
    const ev = await bridge.next((f) => f.type === "sip.message");
    const http = await resume(ev, { code: 500, reason: "Native Relay Failed", route: "native" });
    assert.equal(http.status, 200, http.text);
    const r = await p.response;
    assert.equal(r.status, 404);
    assert.equal(r.reason, "Domain Not Served");
  } finally { await bridge.close(); }
}));

test("bad resolve fields: route other than native → HTTP 400; a malformed cache entry is ignored, the answer still goes out", () => withLog(async () => {
  const bridge = await EvapiPeer.connect();
  try {
    const p = ua.start(message("bad.test"), 5000);
    const ev = await bridge.next((f) => f.type === "sip.message");
    const refused = await resume(ev, { code: 200, reason: "OK", route: "elsewhere" });
    assert.equal(refused.status, 400);
    const ok = await resume(ev, { code: 200, reason: "OK", cache: { domain: "Bad Domain\r\nX: y", verdict: "xmpp", ttl: 60 } });
    assert.equal(ok.status, 200);
    assert.equal((await p.response).status, 200);
    assert.equal(await cached("Bad Domain\r\nX: y"), undefined);
    const p2 = ua.start(message("bad2.test"), 5000);
    const ev2 = await bridge.next((f) => f.type === "sip.message");
    await resume(ev2, { code: 200, reason: "OK", cache: { domain: "bad2.test", verdict: "maybe", ttl: 60 } });
    await p2.response;
    assert.equal(await cached("bad2.test"), undefined);
  } finally { await bridge.close(); }
}));

test("bridge gone: unknown domains take the site's routing at once (not 480); one suspended with resolve goes native, not 503", () => withLog(async () => {
  const r = await ua.request(message("nobridge.test"), 5000);
  assert.equal(r.response.status, 404);
  assert.equal(r.response.reason, "Domain Not Served"); // the site's routing, without waiting for a bridge (that would be 480/504)
  const static480 = await ua.request(message(XMPP), 5000);
  assert.equal(static480.response.status, 480, "a static XMPP domain still gets 480 without a bridge");

  const bridge = await EvapiPeer.connect();
  const p = ua.start(message("lost.test"), 5000);
  await bridge.next((f) => f.type === "sip.message" && f.resolve === true);
  await bridge.close();
  const lost = await p.response;
  assert.equal(lost.status, 404);
  assert.equal(lost.reason, "Domain Not Served");
}));
