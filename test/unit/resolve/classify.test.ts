/**
 * RFC 7247 §5 classification, one named test per step (docs/resolution.md).
 * The lookup runs against a fake DNS; the classification is pure.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { classify, routeFor, wireVerdict, type Classification } from "../../../bridge/src/resolve/classify.js";
import { lookupDomain } from "../../../bridge/src/resolve/dns-lookup.js";
import { resolutionText } from "../../../bridge/src/cli/resolve-command.js";
import { FakeDns, naptr, srv, TIMEOUT } from "./fake-dns.js";

const POLICY = { negativeTtl: 300, failureTtl: 30, maxTtl: 3600 };
const D = "example.com";

async function run(dns: FakeDns, domain = D): Promise<Classification> {
  return classify(await lookupDomain(domain, dns), POLICY);
}

test("RFC 7247 §5 / RFC 6120 §3.2.1: an _xmpp-server._tcp SRV record makes the domain XMPP", async () => {
  const c = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, `xmpp.${D}`, 5269, 900)]));
  assert.equal(c.verdict, "xmpp");
  assert.equal(c.source, "dns");
  assert.deepEqual(c.records.filter((r) => r.counts === "xmpp").map((r) => [r.name, r.ttl]), [[`_xmpp-server._tcp.${D}`, 900]]);
});

test("RFC 6120 §3.2.1 step 3: a single SRV record with target '.' means decidedly not XMPP", async () => {
  const c = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, ".", 0)]));
  assert.equal(c.verdict, "none");
  assert.equal(c.records[0]!.counts, "not-xmpp");
});

test("RFC 3263 §4.1: NAPTR with SIP+D2U / SIP+D2T / SIP+D2S / SIPS+D2T / SIPS+D2S makes it SIP; the SRVs are then not asked", async () => {
  for (const service of ["SIP+D2U", "SIP+D2T", "SIP+D2S", "SIPS+D2T", "SIPS+D2S", "sip+d2t"]) {
    const dns = new FakeDns([naptr(D, service, `_sip._udp.${D}`)]);
    const c = await run(dns);
    assert.equal(c.verdict, "sip", service);
    assert.deepEqual(dns.asked, [`_xmpp-server._tcp.${D} SRV`, `${D} NAPTR`], service);
  }
});

test("RFC 3263 §4.1: NAPTR services that are not SIP (E2U, SIPS+D2U) are not evidence; the SRVs are asked", async () => {
  const dns = new FakeDns([naptr(D, "E2U+sip", "!^.*$!sip:info@example.com!"), naptr(D, "SIPS+D2U", `_sips._udp.${D}`)]);
  const c = await run(dns);
  assert.equal(c.verdict, "none");
  assert.ok(dns.asked.includes(`_sip._udp.${D} SRV`));
  assert.deepEqual(c.records.filter((r) => r.type === "NAPTR").map((r) => r.counts), ["ignored", "ignored"]);
});

test("RFC 3263 §4.2: without a SIP NAPTR, _sip._udp, _sip._tcp or _sips._tcp SRV makes it SIP", async () => {
  for (const prefix of ["_sip._udp", "_sip._tcp", "_sips._tcp"]) {
    const dns = new FakeDns([srv(`${prefix}.${D}`, `sip.${D}`, 5060, 120)]);
    const c = await run(dns);
    assert.equal(c.verdict, "sip", prefix);
    assert.equal(c.ttl, 120, prefix);
  }
});

test("RFC 2782: a SIP SRV with target '.' (service not offered) is not evidence", async () => {
  const c = await run(new FakeDns([srv(`_sip._udp.${D}`, ".", 0)]));
  assert.equal(c.verdict, "none");
});

test("docs/resolution.md rule 2: A/AAAA are never asked, so an address alone is no evidence", async () => {
  const dns = new FakeDns([{ name: D, rrclass: 1, ttl: 60, data: { type: "A", address: "192.0.2.1" } }]);
  const c = await run(dns);
  assert.equal(c.verdict, "none");
  assert.ok(dns.asked.every((q) => q.endsWith(" SRV") || q.endsWith(" NAPTR")), dns.asked.join());
});

test("docs/resolution.md rule 3: both record sets → both; each side keeps its own protocol, the bridge is not involved", async () => {
  const c = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, `x.${D}`, 5269, 600), naptr(D, "SIP+D2T", `_sip._tcp.${D}`, 400)]));
  assert.equal(c.verdict, "both");
  assert.equal(c.ttl, 400);
  assert.equal(routeFor("sip", "both"), "native");
  assert.equal(routeFor("xmpp", "both"), "native");
  assert.equal(wireVerdict("sip", "both"), "sip");
  assert.equal(wireVerdict("xmpp", "both"), "xmpp");
});

test("direction decides: XMPP-only is bridged from SIP and native from XMPP; SIP-only the other way round", () => {
  assert.equal(routeFor("sip", "xmpp"), "bridge");
  assert.equal(routeFor("xmpp", "xmpp"), "native");
  assert.equal(routeFor("xmpp", "sip"), "bridge");
  assert.equal(routeFor("sip", "sip"), "native");
});

test("docs/resolution.md rule 4: neither → none, refused on both sides (404 / remote-server-not-found)", async () => {
  const c = await run(new FakeDns([]));
  assert.equal(c.verdict, "none");
  assert.equal(c.unresolved, undefined);
  assert.equal(routeFor("sip", "none"), "refuse");
  assert.equal(routeFor("xmpp", "none"), "refuse");
});

test("RFC 7247 Table 2 note 4: nothing found because DNS timed out → none, unresolved 'timeout' (408), kept only failureTtl", async () => {
  const dns = new FakeDns([]);
  dns.overrides.set(`_xmpp-server._tcp.${D} SRV`, TIMEOUT);
  const c = await run(dns);
  assert.equal(c.verdict, "none");
  assert.equal(c.unresolved, "timeout");
  assert.equal(c.ttl, 30);
});

test("a SERVFAIL with nothing found is unresolved 'failure', not a plain 'none'", async () => {
  const dns = new FakeDns([]);
  dns.overrides.set(`${D} NAPTR`, { kind: "failure", reason: "servfail", detail: "SERVFAIL" });
  const c = await run(dns);
  assert.equal(c.unresolved, "failure");
});

test("a verdict found while the other lookup failed stands, but only for failureTtl", async () => {
  const dns = new FakeDns([srv(`_xmpp-server._tcp.${D}`, `x.${D}`, 5269, 3000)]);
  dns.overrides.set(`${D} NAPTR`, TIMEOUT);
  const c = await run(dns);
  assert.equal(c.verdict, "xmpp");
  assert.equal(c.unresolved, undefined);
  assert.equal(c.ttl, 30);
});

test("docs/resolution.md rule 5: cached for the smallest record TTL; a negative part caps it at negativeTtl; maxTtl caps all", async () => {
  const xmppOnly = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, `x.${D}`, 5269, 100), srv(`_xmpp-server._tcp.${D}`, `y.${D}`, 5269, 50)]));
  assert.equal(xmppOnly.ttl, 50);
  const longRecords = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, `x.${D}`, 5269, 86400)]));
  assert.equal(longRecords.ttl, 300, "SIP absence is a negative answer: negativeTtl");
  const both = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, `x.${D}`, 5269, 86400), naptr(D, "SIP+D2U", `_sip._udp.${D}`, 86400)]));
  assert.equal(both.ttl, 3600, "maxTtl");
  const none = await run(new FakeDns([]));
  assert.equal(none.ttl, 300);
});

test("stox resolve's text names the verdict, both directions and each record with its TTL", async () => {
  const c = await run(new FakeDns([srv(`_xmpp-server._tcp.${D}`, `xmpp.${D}`, 5269, 900)]));
  const text = resolutionText(c, "127.0.0.1:5353");
  assert.match(text, /^example\.com: xmpp \(cached 300 s, asked 127\.0\.0\.1:5353\)/);
  assert.match(text, /from SIP: {2}through the bridge/);
  assert.match(text, /_xmpp-server\._tcp\.example\.com +900 +SRV +10 5 5269 xmpp\.example\.com\. +→ xmpp/);
  assert.match(text, /example\.com +- +NAPTR +NXDOMAIN +→ absent/);
});
