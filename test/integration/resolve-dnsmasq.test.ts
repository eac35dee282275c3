/**
 * Domain resolution against a real DNS server: dnsmasq on loopback with SRV
 * and NAPTR records. The stub resolver's TTLs and negative answers, the
 * classification of each kind of domain, the cache measured in dnsmasq's
 * query log, a silent server (timeout), and the `stox resolve` command.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import dgram from "node:dgram";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { DnsClient } from "../../bridge/src/resolve/dns-client.js";
import { Resolver } from "../../bridge/src/resolve/resolver.js";
import { startDnsmasq, type RunningDnsmasq } from "../support/dnsmasq.js";
import { repoRoot } from "../support/bridge.js";
import { tempDir } from "../support/process.js";

const TTL = 2;
let dns: RunningDnsmasq;
let client: DnsClient;

before(async () => {
  dns = await startDnsmasq({
    dir: tempDir("resolve-dns"), ttl: TTL,
    zone: {
      srv: [
        { name: "_xmpp-server._tcp.xmpp-only.test", target: "xmpp.xmpp-only.test", port: 5269, priority: 5 },
        { name: "_sip._udp.naptr-sip.test", target: "sip.naptr-sip.test", port: 5060 },
        { name: "_sip._tcp.srv-sip.test", target: "sip.srv-sip.test", port: 5060 },
        { name: "_xmpp-server._tcp.both.test", target: "xmpp.both.test", port: 5269 },
        { name: "_sips._tcp.both.test", target: "sip.both.test", port: 5061 },
        { name: "_xmpp-server._tcp.dot.test" },
        { name: "_xmpp-server._tcp.ttl.test", target: "xmpp.ttl.test", port: 5269 },
      ],
      naptr: [{ name: "naptr-sip.test", service: "SIP+D2U", replacement: "_sip._udp.naptr-sip.test" }],
      hosts: [{ name: "a-only.test", address: "127.0.0.9" }],
    },
  });
  client = new DnsClient({ server: { host: "127.0.0.1", port: dns.port }, timeoutMs: 2000 });
});

after(async () => {
  await dns?.stop();
});

const resolver = (timeoutMs = 2000) => new Resolver(
  { dns: new DnsClient({ server: { host: "127.0.0.1", port: dns.port }, timeoutMs }), negativeTtl: 300, failureTtl: 30, maxTtl: 3600 },
  () => ({ localSip: new Set(), localXmpp: new Set(), sipComponents: new Set(), foreignSip: new Set(), xmppForKamailio: new Set() }),
);

test("the stub resolver reads SRV and NAPTR from a real server with their TTL", async () => {
  const s = await client.query("_xmpp-server._tcp.xmpp-only.test", "SRV");
  assert.equal(s.kind, "records");
  if (s.kind === "records") {
    assert.equal(s.ttl, TTL);
    assert.deepEqual(s.records[0]!.data, { type: "SRV", priority: 5, weight: 0, port: 5269, target: "xmpp.xmpp-only.test" });
  }
  const n = await client.query("naptr-sip.test", "NAPTR");
  assert.equal(n.kind, "records");
  if (n.kind === "records") assert.equal((n.records[0]!.data as { services: string }).services, "SIP+D2U");
});

test("NXDOMAIN and NODATA from a real server are told apart", async () => {
  assert.equal((await client.query("_sip._udp.nowhere.test", "SRV")).kind, "nxdomain");
  assert.equal((await client.query("naptr-sip.test", "SRV")).kind, "nodata");
});

const cases: Array<[string, string, string, string]> = [
  ["_xmpp-server._tcp SRV only", "xmpp-only.test", "xmpp", "bridge"],
  ["SIP NAPTR (+ its SRV) only", "naptr-sip.test", "sip", "native"],
  ["_sip._tcp SRV only", "srv-sip.test", "sip", "native"],
  ["both record sets", "both.test", "both", "native"],
  ["an '.' _xmpp-server SRV only", "dot.test", "none", "refuse"],
  ["an A record only (not evidence)", "a-only.test", "none", "refuse"],
  ["nothing at all", "nowhere.test", "none", "refuse"],
];

for (const [what, domain, verdict, fromSip] of cases) {
  test(`RFC 7247 §5 against dnsmasq: ${what} → ${verdict}`, async () => {
    const d = await resolver().decide("sip", domain);
    assert.equal(d.classification.verdict, verdict);
    assert.equal(d.route, fromSip);
  });
}

test("cache measured in the server's log: none within the TTL, exactly one lookup after it, concurrent askers coalesced", async () => {
  const r = resolver();
  const name = "_xmpp-server._tcp.ttl.test";
  const start = dns.count(name);
  await r.decide("sip", "ttl.test");
  const perLookup = dns.countUnder("ttl.test");
  assert.equal(dns.count(name) - start, 1);
  assert.equal(perLookup, 5, JSON.stringify(dns.queries().filter((q) => q.name.endsWith("ttl.test"))));
  for (let i = 0; i < 10; i++) await r.decide(i % 2 ? "sip" : "xmpp", "ttl.test");
  assert.equal(dns.countUnder("ttl.test"), perLookup, "no query while the TTL runs");
  await sleep(TTL * 1000 + 100); // the TTL running out is what is tested here, not a stand-in for an event
  await Promise.all(Array.from({ length: 20 }, () => r.decide("sip", "ttl.test")));
  assert.equal(dns.countUnder("ttl.test"), 2 * perLookup, "one lookup (one query per name) after expiry, for 20 askers");
  assert.equal(dns.count(name) - start, 2);
});

test("a DNS server that never answers: 408 / remote-server-timeout, not cached", async () => {
  const silent = dgram.createSocket("udp4");
  await new Promise<void>((resolve) => silent.bind(0, "127.0.0.1", resolve));
  try {
    const r = new Resolver(
      { dns: new DnsClient({ server: { host: "127.0.0.1", port: silent.address().port }, timeoutMs: 300 }), negativeTtl: 300, failureTtl: 30, maxTtl: 3600 },
      () => ({ localSip: new Set(), localXmpp: new Set(), sipComponents: new Set(), foreignSip: new Set(), xmppForKamailio: new Set() }),
    );
    const d = await r.decide("sip", "xmpp-only.test");
    assert.equal(d.route, "refuse");
    assert.equal(d.failure?.sip, 408);
    assert.equal(d.failure?.xmpp, "remote-server-timeout");
    assert.equal(d.ttl, 0);
  } finally {
    silent.close();
  }
});

function stox(...args: string[]) {
  return spawnSync(process.execPath, [path.join(repoRoot(), "bin/stox.js"), ...args], { encoding: "utf8", timeout: 20_000 });
}

test("stox resolve prints the verdict, the records that decided it and their TTL", () => {
  const r = stox("resolve", "xmpp-only.test", "--dns", dns.address);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^xmpp-only\.test: xmpp \(cached 2 s, asked 127\.0\.0\.1:\d+\)/);
  assert.match(r.stdout, /_xmpp-server\._tcp\.xmpp-only\.test +2 +SRV +5 0 5269 xmpp\.xmpp-only\.test\. +→ xmpp/);
  assert.match(r.stdout, /from SIP: +through the bridge/);
});

test("stox resolve --json; a domain with neither exits 2 with the errors each side would get", () => {
  const ok = stox("resolve", "naptr-sip.test", `--dns=${dns.address}`, "--json");
  assert.equal(ok.status, 0, ok.stderr);
  const j = JSON.parse(ok.stdout);
  assert.equal(j.verdict, "sip");
  assert.equal(j.from_xmpp, "bridge");
  assert.deepEqual(j.records.find((x: { type: string }) => x.type === "NAPTR"), { name: "naptr-sip.test", type: "NAPTR", counts: "sip", ttl: 2, text: '10 10 "S" "SIP+D2U" "" _sip._udp.naptr-sip.test.' });
  const none = stox("resolve", "nowhere.test", "--dns", dns.address);
  assert.equal(none.status, 2);
  assert.match(none.stdout, /SIP 404, XMPP <remote-server-not-found\/>/);
});
