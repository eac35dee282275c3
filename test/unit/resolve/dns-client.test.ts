/**
 * The UDP stub resolver with an injected socket: answer
 * matching (RFC 5452), retransmission and timeout, NXDOMAIN vs NODATA with
 * the RFC 2308 negative TTL, CNAME chains, failures as values.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { DnsClient, firstNameserver, interpret, parseServerAddress, type DatagramSocket } from "../../../bridge/src/resolve/dns-client.js";
import { decodeMessage, encodeMessage, RR_TYPES, type DnsMessage, type ResourceRecord } from "../../../bridge/src/resolve/dns-message.js";
import { srv } from "./fake-dns.js";

type Reply = (q: DnsMessage) => Array<Buffer | Error> | "silent";

/** Sockets whose "server" is a function of the decoded query. */
function fakeNet(reply: Reply) {
  const sent: DnsMessage[] = [];
  let open = 0;
  const createSocket = (): DatagramSocket => {
    const handlers: { message?: (m: Buffer) => void; error?: (e: Error) => void } = {};
    let closed = false;
    open++;
    return {
      on(event: "message" | "error", cb: (x: never) => void) { (handlers as Record<string, unknown>)[event] = cb; return this; },
      connect(_port: number, _host: string, cb: () => void) { queueMicrotask(cb); },
      send(packet: Buffer) {
        const q = decodeMessage(packet);
        assert.ok(q.ok);
        sent.push(q.value);
        const out = reply(q.value);
        if (out === "silent") return;
        for (const o of out) setImmediate(() => { if (closed) return; if (o instanceof Error) handlers.error?.(o); else handlers.message?.(o); });
      },
      close() { closed = true; open--; },
    } as DatagramSocket;
  };
  return { createSocket, sent, openSockets: () => open };
}

function answer(q: DnsMessage, over: Partial<DnsMessage> = {}): Buffer {
  return encodeMessage({ id: q.id, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, rcode: 0, questions: q.questions, answers: [], authority: [], additional: [], ...over });
}

const NAME = "_xmpp-server._tcp.example.com";
const client = (reply: Reply, timeoutMs = 200, attempts = 2) => {
  const net = fakeNet(reply);
  return { net, dns: new DnsClient({ server: { host: "127.0.0.1", port: 5353 }, timeoutMs, attempts, createSocket: net.createSocket }) };
};

test("records of the asked type come back with the smallest TTL", async () => {
  const { dns, net } = client((q) => [answer(q, { answers: [srv(NAME, "a.example.com", 5269, 600), srv(NAME, "b.example.com", 5269, 300)] })]);
  const a = await dns.query(NAME, "SRV");
  assert.equal(a.kind, "records");
  if (a.kind === "records") {
    assert.equal(a.ttl, 300);
    assert.deepEqual(a.records.map((r) => r.data.type === "SRV" && r.data.target), ["a.example.com", "b.example.com"]);
  }
  assert.equal(net.openSockets(), 0, "socket closed");
  assert.equal(net.sent[0]!.rd, true);
});

test("RFC 5452: answers with another id or another question are ignored; the right one is taken", async () => {
  const { dns } = client((q) => [
    answer({ ...q, id: (q.id + 1) & 0xffff }, { answers: [srv(NAME, "spoofed.example", 1)] }),
    answer({ ...q, questions: [{ name: "other.example.com", type: RR_TYPES.SRV, qclass: 1 }] }, { answers: [srv("other.example.com", "spoofed.example", 1)] }),
    Buffer.from("junk"),
    answer(q, { answers: [srv(NAME, "real.example.com", 5269)] }),
  ]);
  const a = await dns.query(NAME, "SRV");
  assert.equal(a.kind, "records");
  if (a.kind === "records") assert.equal((a.records[0]!.data as { target: string }).target, "real.example.com");
});

test("silence: one retransmission with a fresh id, then a timeout failure within the budget", async () => {
  const { dns, net } = client(() => "silent", 200, 2);
  const started = Date.now();
  const a = await dns.query(NAME, "SRV");
  const took = Date.now() - started;
  assert.deepEqual(a.kind === "failure" && a.reason, "timeout");
  assert.equal(net.sent.length, 2);
  assert.ok(took >= 190, `took ${took} ms: gave up before the 200 ms budget`);
  assert.equal(net.openSockets(), 0);
});

test("the second attempt's answer is used when the first went unanswered", async () => {
  let n = 0;
  const { dns } = client((q) => (n++ === 0 ? "silent" : [answer(q, { answers: [srv(NAME, "late.example.com", 5269)] })]));
  const a = await dns.query(NAME, "SRV");
  assert.equal(a.kind, "records");
});

test("only unreadable answers: a bad-answer failure, not a timeout", async () => {
  const { dns } = client(() => [Buffer.from([1, 2, 3])]);
  const a = await dns.query(NAME, "SRV");
  assert.deepEqual(a.kind === "failure" && a.reason, "bad-answer");
});

test("ICMP refusal (socket error): a network failure", async () => {
  const { dns } = client(() => [Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" })]);
  const a = await dns.query(NAME, "SRV");
  assert.deepEqual(a.kind === "failure" && a.reason, "network");
});

const SOA: ResourceRecord = { name: "example.com", rrclass: 1, ttl: 900, data: { type: "SOA", mname: "ns.example.com", rname: "h.example.com", serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 120 } };

test("RFC 2308: NXDOMAIN and NODATA are told apart; negative TTL = min(SOA TTL, MINIMUM)", async () => {
  const nx = await client((q) => [answer(q, { rcode: 3, authority: [SOA] })]).dns.query(NAME, "SRV");
  assert.deepEqual(nx, { kind: "nxdomain", ttl: 120 });
  const nodata = await client((q) => [answer(q, { authority: [SOA] })]).dns.query(NAME, "SRV");
  assert.deepEqual(nodata, { kind: "nodata", ttl: 120 });
  const bare = await client((q) => [answer(q, { rcode: 3 })]).dns.query(NAME, "SRV");
  assert.deepEqual(bare, { kind: "nxdomain" });
});

test("SERVFAIL and REFUSED are failures, never negative answers", async () => {
  assert.deepEqual((await client((q) => [answer(q, { rcode: 2 })]).dns.query(NAME, "SRV")).kind, "failure");
  const refused = await client((q) => [answer(q, { rcode: 5 })]).dns.query(NAME, "SRV");
  assert.deepEqual(refused.kind === "failure" && refused.reason, "refused");
});

test("RFC 1034 §3.6.2: a CNAME chain is followed; its TTL counts", () => {
  const q: DnsMessage = { id: 1, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, rcode: 0, questions: [{ name: NAME, type: 33, qclass: 1 }], authority: [], additional: [],
    answers: [
      { name: NAME, rrclass: 1, ttl: 60, data: { type: "CNAME", target: "alias.example.net" } },
      srv("alias.example.net", "xmpp.example.net", 5269, 3600),
      srv("unrelated.example.org", "x.example.org", 1, 10),
    ] };
  const a = interpret(q, NAME, "SRV");
  assert.equal(a.kind, "records");
  if (a.kind === "records") { assert.equal(a.records.length, 1); assert.equal(a.ttl, 60); }
});

test("a truncated answer is used for what it holds; empty and truncated is a failure", () => {
  const base: DnsMessage = { id: 1, qr: true, opcode: 0, aa: true, tc: true, rd: true, ra: true, rcode: 0, questions: [{ name: NAME, type: 33, qclass: 1 }], answers: [], authority: [], additional: [] };
  assert.deepEqual(interpret({ ...base, answers: [srv(NAME, "x.example.com", 5269)] }, NAME, "SRV").kind, "records");
  const empty = interpret(base, NAME, "SRV");
  assert.deepEqual(empty.kind === "failure" && empty.reason, "truncated");
});

test("a name no query can carry is a bad-name failure, nothing is sent", async () => {
  const { dns, net } = client(() => "silent");
  const a = await dns.query("a..b", "SRV");
  assert.deepEqual(a.kind === "failure" && a.reason, "bad-name");
  assert.equal(net.sent.length, 0);
});

test("server addresses: IP[:port] only, port 53 by default", () => {
  assert.deepEqual(parseServerAddress("127.0.0.1:5353"), { ok: true, value: { host: "127.0.0.1", port: 5353 } });
  assert.deepEqual(parseServerAddress("127.0.0.1"), { ok: true, value: { host: "127.0.0.1", port: 53 } });
  assert.deepEqual(parseServerAddress("[::1]:5353"), { ok: true, value: { host: "::1", port: 5353 } });
  for (const bad of ["localhost:53", "127.0.0.1:0", "127.0.0.1:70000", "1.2.3:53", ""]) assert.equal(parseServerAddress(bad).ok, false, bad);
});

test("the default server is resolv.conf's first nameserver", () => {
  assert.deepEqual(firstNameserver("# c\nsearch x\nnameserver 10.0.0.2\nnameserver 10.0.0.3\n"), { host: "10.0.0.2", port: 53 });
  assert.equal(firstNameserver("search x\n"), undefined);
});
