/**
 * RFC 1035 message codec: hand-built packets (bytes written out here, not by
 * the encoder), name compression, and hostile input — decodeMessage never
 * throws, whatever the bytes.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeMessage, encodeMessage, encodeQuery, RR_TYPES, type DnsMessage, type ResourceRecord } from "../../../bridge/src/resolve/dns-message.js";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const label = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s, "latin1")]);
const name = (...labels: string[]) => Buffer.concat([...labels.map(label), Buffer.from([0])]);
const u16 = (n: number) => Buffer.from([n >> 8, n & 0xff]);
const u32 = (n: number) => Buffer.from([(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

/** Header: id 0xbeef, QR+RD+RA, rcode; counts. */
const header = (rcode: number, qd: number, an: number, ns = 0, ar = 0) =>
  Buffer.concat([u16(0xbeef), u16(0x8180 | rcode), u16(qd), u16(an), u16(ns), u16(ar)]);

// _xmpp-server._tcp.example.com SRV, answer owner compressed to the question (offset 12).
const SRV_QNAME = name("_xmpp-server", "_tcp", "example", "com");
const srvRdata = Buffer.concat([u16(5), u16(0), u16(5269), name("xmpp", "example", "com")]);
const SRV_PACKET = Buffer.concat([
  header(0, 1, 1), SRV_QNAME, u16(33), u16(1),
  hex("c00c"), u16(33), u16(1), u32(3600), u16(srvRdata.length), srvRdata,
]);

test("RFC 2782: an SRV answer with a compressed owner name decodes with its TTL", () => {
  const r = decodeMessage(SRV_PACKET);
  assert.ok(r.ok, JSON.stringify(r));
  const m = r.value;
  assert.equal(m.id, 0xbeef);
  assert.equal(m.qr, true);
  assert.equal(m.rcode, 0);
  assert.deepEqual(m.questions, [{ name: "_xmpp-server._tcp.example.com", type: 33, qclass: 1 }]);
  assert.deepEqual(m.answers, [{
    name: "_xmpp-server._tcp.example.com", rrclass: 1, ttl: 3600,
    data: { type: "SRV", priority: 5, weight: 0, port: 5269, target: "xmpp.example.com" },
  }]);
});

test("RFC 3403: a NAPTR answer (character-strings, replacement name) decodes", () => {
  const rdata = Buffer.concat([u16(10), u16(20), Buffer.from([1]), Buffer.from("S"), Buffer.from([7]), Buffer.from("SIP+D2U"), Buffer.from([0]),
    name("_sip", "_udp", "example", "net")]);
  const pkt = Buffer.concat([header(0, 1, 1), name("example", "net"), u16(35), u16(1),
    hex("c00c"), u16(35), u16(1), u32(120), u16(rdata.length), rdata]);
  const r = decodeMessage(pkt);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.answers[0]!.data, { type: "NAPTR", order: 10, preference: 20, flags: "S", services: "SIP+D2U", regexp: "", replacement: "_sip._udp.example.net" });
  assert.equal(r.value.answers[0]!.ttl, 120);
});

test("RFC 2308: NXDOMAIN with an SOA in the authority section", () => {
  const soa = Buffer.concat([name("ns", "example", "net"), hex("c00c"), u32(1), u32(7200), u32(900), u32(604800), u32(60)]);
  const pkt = Buffer.concat([header(3, 1, 0, 1), name("example", "net"), u16(35), u16(1),
    hex("c00c"), u16(6), u16(1), u32(300), u16(soa.length), soa]);
  const r = decodeMessage(pkt);
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.value.rcode, 3);
  assert.deepEqual(r.value.authority[0]!.data, { type: "SOA", mname: "ns.example.net", rname: "example.net", serial: 1, refresh: 7200, retry: 900, expire: 604800, minimum: 60 });
});

test("RFC 2181 §8: a TTL with the top bit set counts as zero", () => {
  const pkt = Buffer.from(SRV_PACKET);
  const ttlAt = SRV_PACKET.length - srvRdata.length - 2 - 4;
  pkt.writeUInt32BE(0x80000001, ttlAt);
  const r = decodeMessage(pkt);
  assert.ok(r.ok);
  assert.equal(r.value.answers[0]!.ttl, 0);
});

test("unknown types and OPT are kept as code and length; A/AAAA decode", () => {
  const pkt = Buffer.concat([header(0, 0, 3, 0, 1),
    name("a", "test"), u16(1), u16(1), u32(5), u16(4), Buffer.from([127, 0, 0, 1]),
    name("a", "test"), u16(28), u16(1), u32(5), u16(16), hex("20010db8000000000000000000000001"),
    name("a", "test"), u16(16), u16(1), u32(5), u16(3), Buffer.from([2, 104, 105]),
    Buffer.from([0]), u16(41), u16(1232), u32(0), u16(0)]);
  const r = decodeMessage(pkt);
  assert.ok(r.ok, JSON.stringify(r));
  assert.deepEqual(r.value.answers.map((a) => a.data), [
    { type: "A", address: "127.0.0.1" },
    { type: "AAAA", address: "2001:db8:0:0:0:0:0:1" },
    { type: "other", code: 16, length: 3 },
  ]);
  assert.deepEqual(r.value.additional[0]!.data, { type: "other", code: 41, length: 0 });
});

// ---------------------------------------------------------------- hostile input

const refusals: Array<[string, Buffer, string]> = [
  ["empty", Buffer.alloc(0), "truncated"],
  ["header cut short", header(0, 1, 1).subarray(0, 7), "truncated"],
  ["question count with no question", header(0, 1, 0), "truncated"],
  ["answer cut inside its rdata", SRV_PACKET.subarray(0, SRV_PACKET.length - 3), "truncated"],
  ["pointer to itself", Buffer.concat([header(0, 1, 0), hex("c00c"), u16(33), u16(1)]), "bad-pointer"],
  ["pointer forwards", Buffer.concat([header(0, 1, 0), hex("c010"), u16(33), u16(1), name("x")]), "bad-pointer"],
  ["two pointers in a loop", Buffer.concat([header(0, 1, 0), hex("c00e c00c"), u16(33), u16(1)]), "bad-pointer"],
  ["reserved label type 0x40", Buffer.concat([header(0, 1, 0), Buffer.from([0x41, 0x61, 0]), u16(33), u16(1)]), "bad-label"],
  ["label past the end", Buffer.concat([header(0, 1, 0), Buffer.from([10, 0x61])]), "truncated"],
  ["name over 255 octets", Buffer.concat([header(0, 1, 0), ...Array.from({ length: 5 }, () => label("a".repeat(60))), Buffer.from([0]), u16(33), u16(1)]), "name-too-long"],
  ["SRV rdlength shorter than its fields", Buffer.concat([header(0, 0, 1), name("x"), u16(33), u16(1), u32(1), u16(4), u16(1), u16(2), u16(3), name("t")]), "bad-rdata"],
  ["SRV rdlength longer than its fields", Buffer.concat([header(0, 0, 1), name("x"), u16(33), u16(1), u32(1), u16(10), u16(1), u16(2), u16(3), name("t"), Buffer.from([0, 0])]), "bad-rdata"],
  ["A with 3 bytes", Buffer.concat([header(0, 0, 1), name("x"), u16(1), u16(1), u32(1), u16(3), Buffer.from([1, 2, 3])]), "bad-rdata"],
  ["trailing garbage", Buffer.concat([SRV_PACKET, Buffer.from([1, 2])]), "trailing-bytes"],
];

for (const [what, bytes, kind] of refusals) {
  test(`hostile answer refused with a typed error: ${what}`, () => {
    const r = decodeMessage(bytes);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.error.kind, kind, r.error.detail);
  });
}

// Every typed refusal decodeMessage may give (DnsDecodeErrorKind).
const KINDS: ReadonlySet<string> = new Set(["truncated", "bad-pointer", "bad-label", "name-too-long", "bad-rdata", "trailing-bytes"]);

test("property: arbitrary bytes never make decodeMessage throw", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
    const r = decodeMessage(bytes);
    if (!r.ok) assert.ok(KINDS.has(r.error.kind), r.error.kind);
  }), { numRuns: 5000 });
});

test("property: any truncation or byte flip of a valid answer decodes or fails typed, never throws", () => {
  fc.assert(fc.property(fc.nat(SRV_PACKET.length), fc.array(fc.tuple(fc.nat(SRV_PACKET.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }), (cut, flips) => {
    const b = Buffer.from(SRV_PACKET.subarray(0, cut));
    for (const [at, v] of flips) if (at < b.length) b[at] = v;
    const r = decodeMessage(b);
    if (!r.ok) assert.ok(KINDS.has(r.error.kind), r.error.kind);
  }), { numRuns: 5000 });
});

const dnsLabel = fc.stringMatching(/^[a-z0-9_-]{1,20}$/);
const dnsName = fc.array(dnsLabel, { minLength: 1, maxLength: 5 }).map((l) => l.join("."));
const record: fc.Arbitrary<ResourceRecord> = fc.record({
  name: dnsName, rrclass: fc.constant(1), ttl: fc.integer({ min: 0, max: 0x7fffffff }),
  data: fc.oneof(
    fc.record({ type: fc.constant("SRV" as const), priority: fc.nat(65535), weight: fc.nat(65535), port: fc.nat(65535), target: dnsName }),
    fc.record({ type: fc.constant("NAPTR" as const), order: fc.nat(65535), preference: fc.nat(65535), flags: fc.stringMatching(/^[A-Za-z]{0,2}$/), services: fc.stringMatching(/^[A-Za-z0-9+:]{0,20}$/), regexp: fc.stringMatching(/^[!a-z^$.*]{0,20}$/), replacement: dnsName }),
    fc.record({ type: fc.constant("CNAME" as const), target: dnsName }),
  ),
});

test("property: encodeMessage → decodeMessage gives the same message back", () => {
  fc.assert(fc.property(fc.nat(65535), fc.integer({ min: 0, max: 5 }), fc.array(record, { maxLength: 5 }), (id, rcode, answers) => {
    // (fast-check builds null-prototype records; compare plain copies)
    const m: DnsMessage = JSON.parse(JSON.stringify({ id, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, rcode, questions: [{ name: "q.test", type: RR_TYPES.SRV, qclass: 1 }], answers, authority: [], additional: [] }));
    const r = decodeMessage(encodeMessage(m));
    assert.ok(r.ok, JSON.stringify(r));
    assert.deepEqual(r.value, m);
  }));
});

test("encodeQuery: RD set, one question, an EDNS0 OPT record offering 1232 bytes", () => {
  const q = encodeQuery(0x1234, "_sip._udp.Example.NET", "SRV");
  assert.ok(q.ok);
  const r = decodeMessage(q.value);
  assert.ok(r.ok);
  assert.equal(r.value.id, 0x1234);
  assert.equal(r.value.rd, true);
  assert.equal(r.value.qr, false);
  assert.deepEqual(r.value.questions, [{ name: "_sip._udp.example.net", type: 33, qclass: 1 }]);
  assert.deepEqual(r.value.additional.map((a) => [a.data, a.rrclass]), [[{ type: "other", code: 41, length: 0 }, 1232]]);
});

test("encodeQuery refuses names no DNS message can carry (typed error)", () => {
  for (const bad of ["a..b", "x".repeat(64) + ".test", ("a".repeat(60) + ".").repeat(5) + "test", "sp ace.test"]) {
    const q = encodeQuery(1, bad, "SRV");
    assert.equal(q.ok, false, bad);
  }
});
