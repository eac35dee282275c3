/**
 * The resolver: static tables win, cache for the TTL (fake clock), negative
 * and failure TTLs, coalescing of concurrent lookups, what adapters are told.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Resolver, type StaticDomains } from "../../../bridge/src/resolve/resolver.js";
import { FakeClock, FakeDns, naptr, srv, TIMEOUT } from "./fake-dns.js";

const POLICY = { negativeTtl: 300, failureTtl: 30, maxTtl: 3600 };

function tables(over: Partial<Record<keyof StaticDomains, string[]>> = {}): StaticDomains {
  const s = (k: keyof StaticDomains) => new Set(over[k] ?? []);
  return { localSip: s("localSip"), localXmpp: s("localXmpp"), sipComponents: s("sipComponents"), foreignSip: s("foreignSip"), xmppForKamailio: s("xmppForKamailio") };
}

function setup(records = [srv("_xmpp-server._tcp.x.test", "xmpp.x.test", 5269, 60)], statics = tables()) {
  const dns = new FakeDns(records);
  const clock = new FakeClock();
  const r = new Resolver({ ...POLICY, dns, now: clock.now }, () => statics);
  return { dns, clock, r };
}

test("docs/resolution.md rule 1: local domains and static peers never reach DNS", async () => {
  const { dns, r } = setup([], tables({ localSip: ["sip.local.test"], localXmpp: ["xmpp.local.test"], foreignSip: ["peer.sip.test"], xmppForKamailio: ["peer.xmpp.test"], sipComponents: ["gw.local.test"] }));
  assert.equal((await r.classify("sip.local.test")).verdict, "sip");
  assert.equal((await r.classify("XMPP.Local.TEST")).verdict, "xmpp");
  assert.equal((await r.classify("peer.sip.test")).verdict, "sip");
  assert.equal((await r.classify("peer.xmpp.test")).verdict, "xmpp");
  assert.equal((await r.classify("gw.local.test")).verdict, "sip");
  assert.deepEqual(dns.asked, []);
  const d = await r.decide("sip", "peer.xmpp.test");
  assert.equal(d.route, "bridge");
  assert.equal(d.classification.source, "static");
});

test("a domain in a SIP table and an XMPP table is 'both': never bridged in either direction", async () => {
  const { r } = setup([], tables({ foreignSip: ["twice.test"], xmppForKamailio: ["twice.test"] }));
  assert.equal((await r.decide("sip", "twice.test")).route, "native");
  assert.equal((await r.decide("xmpp", "twice.test")).route, "native");
});

test("static tables match a U-label domain against its A-label form and back", async () => {
  const { dns, r } = setup([], tables({ localXmpp: ["bücher.test"], foreignSip: ["xn--caf-dma.test"] }));
  assert.equal((await r.classify("xn--bcher-kva.test")).verdict, "xmpp");
  assert.equal((await r.classify("café.test")).verdict, "sip");
  assert.deepEqual(dns.asked, []);
});

test("RFC 3263 §4.1: a numeric host is never classified by DNS and never bridged", async () => {
  const { dns, r } = setup();
  assert.equal((await r.decide("sip", "192.0.2.1")).route, "native");
  assert.equal((await r.decide("xmpp", "[2001:db8::1]")).route, "native");
  assert.deepEqual(dns.asked, []);
});

test("a domain no DNS name can be made of is refused without a lookup", async () => {
  const { dns, r } = setup();
  const d = await r.decide("xmpp", "bad_domain!.test");
  assert.equal(d.route, "refuse");
  assert.equal(d.failure?.code, "not-routable");
  assert.deepEqual(dns.asked, []);
});

test("docs/resolution.md rule 5: the verdict is cached for the record TTL, then asked again exactly once", async () => {
  const { dns, clock, r } = setup();
  assert.equal((await r.decide("sip", "x.test")).verdict, "xmpp");
  const first = dns.asked.length;
  assert.equal(first, 5, dns.asked.join());
  clock.advance(59);
  const again = await r.decide("sip", "x.test");
  assert.equal(again.ttl, 1, "adapters get what is left");
  assert.equal(dns.asked.length, first, "no query within the TTL");
  clock.advance(1);
  await r.decide("sip", "x.test");
  assert.equal(dns.asked.length, 2 * first, "one new lookup after expiry");
});

test("adapters are told the remaining TTL, so their caches expire with the bridge's", async () => {
  const { clock, r } = setup();
  assert.equal((await r.decide("xmpp", "x.test")).ttl, 60);
  clock.advance(20.5);
  assert.equal((await r.decide("xmpp", "x.test")).ttl, 40);
});

test("negative answers are cached for negativeTtl", async () => {
  const { dns, clock, r } = setup([]);
  const d = await r.decide("sip", "nothing.test");
  assert.equal(d.route, "refuse");
  assert.equal(d.failure?.code, "not-routable");
  assert.equal(d.failure?.sip, 404);
  assert.equal(d.failure?.xmpp, "remote-server-not-found");
  assert.equal(d.ttl, 300);
  const n = dns.asked.length;
  clock.advance(299);
  await r.decide("sip", "nothing.test");
  assert.equal(dns.asked.length, n);
  clock.advance(1);
  await r.decide("sip", "nothing.test");
  assert.equal(dns.asked.length, 2 * n);
});

test("a timed-out lookup: 408 / remote-server-timeout, not cached by adapters (ttl 0), remembered here for failureTtl", async () => {
  const { dns, clock, r } = setup([]);
  dns.overrides.set("_xmpp-server._tcp.slow.test SRV", TIMEOUT);
  const d = await r.decide("sip", "slow.test");
  assert.equal(d.route, "refuse");
  assert.equal(d.failure?.code, "resolve-timeout");
  assert.equal(d.failure?.sip, 408);
  assert.equal(d.failure?.xmpp, "remote-server-timeout");
  assert.equal(d.ttl, 0);
  const n = dns.asked.length;
  clock.advance(29);
  await r.decide("xmpp", "slow.test");
  assert.equal(dns.asked.length, n);
  clock.advance(1);
  await r.decide("xmpp", "slow.test");
  assert.equal(dns.asked.length, 2 * n);
});

test("concurrent lookups for one domain are coalesced into one set of questions", async () => {
  const { dns, r } = setup([naptr("s.test", "SIP+D2U", "_sip._udp.s.test", 120)]);
  let open!: () => void;
  dns.gate = new Promise((resolve) => { open = resolve; });
  const waiting = Array.from({ length: 50 }, (_, i) => r.decide(i % 2 === 0 ? "sip" : "xmpp", "s.test"));
  await new Promise((resolve) => setImmediate(resolve));
  open();
  const all = await Promise.all(waiting);
  assert.equal(dns.asked.length, 2, dns.asked.join());
  assert.ok(all.filter((_, i) => i % 2 === 0).every((d) => d.route === "native" && d.verdict === "sip"));
  assert.ok(all.filter((_, i) => i % 2 === 1).every((d) => d.route === "bridge" && d.verdict === "sip"));
});

test("the cache is bounded: the oldest verdicts go first", async () => {
  const dns = new FakeDns([]);
  const clock = new FakeClock();
  const r = new Resolver({ ...POLICY, dns, now: clock.now, maxEntries: 3 }, () => tables());
  for (const d of ["a.test", "b.test", "c.test", "d.test"]) await r.classify(d);
  assert.equal(r.known("a.test"), undefined);
  assert.equal(r.known("d.test")?.verdict, "none");
});

test("known(): static or cached verdicts only, never a lookup", async () => {
  const { dns, r } = setup();
  assert.equal(r.known("x.test"), undefined);
  assert.deepEqual(dns.asked, []);
  await r.classify("x.test");
  assert.equal(r.known("x.test")?.verdict, "xmpp");
});
