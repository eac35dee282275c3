/**
 * sip.message with resolve:true: what Kamailio is told for each verdict
 * (docs/resolution.md), including the cache entry for its htable.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { gateSipMessage, NATIVE_FALLBACK } from "../../../bridge/src/resolve/sip-gate.js";
import { Resolver } from "../../../bridge/src/resolve/resolver.js";
import { silentLogger } from "../../../bridge/src/runtime/log.js";
import { Metrics } from "../../../bridge/src/runtime/metrics.js";
import type { SipMessageEvent, SipResumeCommand } from "../../../common/src/wire/frames.js";
import { FakeClock, FakeDns, naptr, srv, TIMEOUT } from "./fake-dns.js";

const EMPTY = new Set<string>();

function setup(dns: FakeDns) {
  const resolver = new Resolver({ negativeTtl: 300, failureTtl: 30, maxTtl: 3600, dns, now: new FakeClock().now }, () => ({
    localSip: new Set(["sip.stox.test"]), localXmpp: new Set(["xmpp.stox.test"]), sipComponents: EMPTY, foreignSip: EMPTY, xmppForKamailio: EMPTY,
  }));
  const resumes: SipResumeCommand[] = [];
  const handled: SipResumeCommand[] = [];
  const deps = { resolver, resume: async (c: SipResumeCommand) => { resumes.push(c); }, metrics: new Metrics(), log: silentLogger };
  const flow = async (resume: (c: SipResumeCommand) => Promise<void>) => {
    const cmd: SipResumeCommand = { type: "sip.resume", v: 1, id: "r", tindex: "1", tlabel: "2", code: 200, reason: "OK" };
    handled.push(cmd);
    await resume(cmd);
  };
  return { deps, flow, resumes, handled };
}

const ev = (ruri: string, resolve = true): SipMessageEvent =>
  ({ type: "sip.message", v: 1, id: "1:2", tindex: "1", tlabel: "2", ruri, msg: "MESSAGE …", ...(resolve ? { resolve: true } : {}) });

test("without resolve the event goes straight to the SIP → XMPP flow, no DNS", async () => {
  const dns = new FakeDns([]);
  const { deps, flow, resumes } = setup(dns);
  await gateSipMessage(ev("sip:juliet@anything.test", false), deps, flow);
  assert.deepEqual(resumes.map((r) => r.cache), [undefined]);
  assert.deepEqual(dns.asked, []);
});

test("XMPP-only domain: bridged by the flow; its resume carries the cache entry (xmpp, TTL)", async () => {
  const { deps, flow, resumes, handled } = setup(new FakeDns([srv("_xmpp-server._tcp.x.test", "xmpp.x.test", 5269, 90)]));
  await gateSipMessage(ev("sip:juliet@X.test"), deps, flow);
  assert.equal(handled.length, 1);
  assert.deepEqual(resumes[0]!.cache, { domain: "x.test", verdict: "xmpp", ttl: 90 });
  assert.equal(resumes[0]!.code, 200);
});

test("SIP-only and both: handed back with route native and cache 'sip'; the flow never runs", async () => {
  for (const records of [[naptr("s.test", "SIP+D2U", "_sip._udp.s.test", 120)], [naptr("s.test", "SIP+D2U", "_sip._udp.s.test", 120), srv("_xmpp-server._tcp.s.test", "x.s.test", 5269, 120)]]) {
    const { deps, flow, resumes, handled } = setup(new FakeDns(records));
    await gateSipMessage(ev("sip:bob@s.test"), deps, flow);
    assert.equal(handled.length, 0);
    assert.equal(resumes[0]!.route, "native");
    assert.equal(resumes[0]!.code, NATIVE_FALLBACK.code);
    assert.equal(resumes[0]!.cache?.verdict, "sip");
  }
});

test("neither: 404 Not Found, cached as none for the negative TTL", async () => {
  const { deps, flow, resumes } = setup(new FakeDns([]));
  await gateSipMessage(ev("sip:bob@nowhere.test"), deps, flow);
  assert.equal(resumes[0]!.code, 404);
  assert.equal(resumes[0]!.route, undefined);
  assert.deepEqual(resumes[0]!.cache, { domain: "nowhere.test", verdict: "none", ttl: 300 });
});

test("DNS timed out: 408, and Kamailio is not asked to cache it", async () => {
  const dns = new FakeDns([]);
  dns.overrides.set("_xmpp-server._tcp.slow.test SRV", TIMEOUT);
  const { deps, flow, resumes } = setup(dns);
  await gateSipMessage(ev("sip:bob@slow.test"), deps, flow);
  assert.equal(resumes[0]!.code, 408);
  assert.equal(resumes[0]!.cache, undefined);
});

test("a local XMPP domain Kamailio did not list is bridged from the static table, no DNS", async () => {
  const dns = new FakeDns([]);
  const { deps, flow, handled, resumes } = setup(dns);
  await gateSipMessage(ev("sip:juliet@xmpp.stox.test"), deps, flow);
  assert.equal(handled.length, 1);
  assert.equal(resumes[0]!.cache?.verdict, "xmpp");
  assert.deepEqual(dns.asked, []);
});

test("an R-URI that does not parse is answered with the address error, never classified", async () => {
  const dns = new FakeDns([]);
  const { deps, flow, resumes } = setup(dns);
  await gateSipMessage(ev("sip:bob@exa mple"), deps, flow);
  assert.equal(resumes[0]!.code, 400); // uri-malformed (common/src/failure.ts, docs/addresses.md)
  assert.deepEqual(dns.asked, []);
});
