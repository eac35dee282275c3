/**
 * XMPP → SIP through real Prosody, the bridge and real Kamailio (issue:
 * "XMPP → SIP end to end, delivered over the connections Kamailio already
 * holds"). A SIP UA registers over TCP; Kamailio must reach it over that
 * very connection; SIP failures come back as RFC 7247 Table 3 stanza errors.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { SipPeer, type SipMessage } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { hosts } from "../support/hosts.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack, withStackLogs } from "./stack.js";

const NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const UAC_TIMEOUT_MS = 3000;

let stack: Stack;
let juliet: TestClient;
let alice: SipPeer;

before(async () => {
  // FR_TIMER bounds Kamailio's wait for the UA (uac_req_send timeout → evtype 2).
  stack = await startStack({ kamailioDefines: { FR_TIMER: String(UAC_TIMEOUT_MS) }, bridgeExtra: { sip_result_timeout_ms: String(UAC_TIMEOUT_MS + 3000) } });
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret", resource: "balcony" });
  alice = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
  const reg = await alice.request({ method: "REGISTER", ruri: `sip:${SIP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, to: `sip:alice@${SIP_DOMAIN}`, contact: `sip:alice@127.0.0.1:${alice.port};transport=tcp`, expires: 600 });
  assert.equal(reg.response.status, 200, "REGISTER over TCP");
  alice.answerWith(answerAlice);
});

/** alice answers 200, except 486 to a barrier (below). */
const answerAlice = (req: SipMessage) => (req.body.toString("utf8").startsWith("barrier ") ? { code: 486, reason: "Busy Here" } : { code: 200, reason: "OK" });

after(async () => {
  await juliet?.stop();
  alice?.close();
  await stack?.stop();
});

const withLogs = <T>(fn: () => Promise<T>): Promise<T> => withStackLogs(stack, fn);

let seq = 0;
function message(to: string, body: string, extra: { id?: string; subject?: string; thread?: string; lang?: string } = {}): Element {
  return xml("message", { to, id: extra.id ?? `m${++seq}`, type: "chat", ...(extra.lang !== undefined ? { "xml:lang": extra.lang } : {}) },
    extra.subject !== undefined ? xml("subject", {}, extra.subject) : null,
    extra.thread !== undefined ? xml("thread", {}, extra.thread) : null,
    xml("body", {}, body));
}

const messagesWithBody = (peer: SipPeer, body: string) => peer.received.filter((m) => m.method === "MESSAGE" && m.body.toString("utf8") === body);

/**
 * A message to alice that she answers 486: when its error reaches Juliet,
 * every earlier message to alice has been sent to her and answered (one
 * outstanding MESSAGE per destination, RFC 3428 §8), and every error stanza
 * for them has reached Juliet first (one bridge → Prosody link, one c2s stream).
 */
async function barrier(): Promise<void> {
  const id = `barrier-${++seq}`;
  const err = juliet.waitFor((s) => s.attrs.type === "error" && s.attrs.id === id, 10000, "the barrier's error");
  await juliet.send(message(`alice@${SIP_DOMAIN}`, `barrier ${id}`, { id }));
  await err;
}

test("a message reaches the TCP-registered UA with every RFC 7572 Table 1 field; its 200 produces no error", () => withLogs(async () => {
  const body = `Hello Alice, ünïcødé 🙂 ${Date.now()}`;
  await juliet.send(message(`alice@${SIP_DOMAIN}`, body, { id: "t1", subject: "Tonight", thread: "thread-42@verona", lang: "en" }));
  const m = await alice.waitFor((x) => x.method === "MESSAGE" && x.body.toString("utf8") === body, 8000);
  assert.match(m.header("from") ?? "", new RegExp(`^<sip:juliet@${XMPP_DOMAIN.replace(/\./g, "\\.")};gr=balcony>;tag=\\S+$`));
  assert.equal(m.header("to"), `<sip:alice@${SIP_DOMAIN}>`);
  assert.equal(m.header("call-id"), "thread-42@verona");
  assert.equal(m.header("subject"), "Tonight");
  assert.equal(m.header("content-language"), "en");
  assert.match(m.header("content-type") ?? "", /^text\/plain;\s*charset=UTF-8$/i);
  assert.equal(m.header("contact"), undefined); // RFC 3428 §4
  // Sent from Kamailio's SIP socket (not its HTTP command port), on alice's connection.
  assert.match(m.header("via") ?? "", new RegExp(`^SIP/2\\.0/TCP 127\\.0\\.0\\.1:${stack.ports.sip};`));
  await barrier();
  assert.equal(juliet.received.some((s) => s.attrs.type === "error" && s.attrs.id === "t1"), false);
}));

/** Kamailio's TCP connections on its SIP port (the bridge's HTTP commands use another port). */
async function sipConnections(): Promise<Array<{ src_port: number; dst_port: number }>> {
  const list = (await stack.kamailio.rpc("core.tcp_list")) as Array<{ src_port: number; dst_port: number }>;
  return list.filter((c) => c.dst_port === stack.ports.sip || c.src_port === stack.ports.sip);
}

test("1,000 messages travel in order over the one TCP connection the UA registered on", () => withLogs(async () => {
  const before = await sipConnections();
  assert.equal(before.filter((c) => c.src_port === alice.port || c.dst_port === alice.port).length, 1, JSON.stringify(before));
  const tag = `burst-${Date.now()}-`;
  for (let i = 0; i < 1000; i++) await juliet.send(message(`alice@${SIP_DOMAIN}`, `${tag}${i}`));
  // The last one: in order, everything else is there before it.
  const last = await alice.waitFor((m) => m.method === "MESSAGE" && m.body.toString("utf8") === `${tag}999`, 60000);
  const got = [...alice.received.filter((m) => m.method === "MESSAGE" && m.body.toString("utf8").startsWith(tag)), last];
  assert.equal(got.length, 1000);
  assert.deepEqual(got.map((m) => m.body.toString("utf8")), Array.from({ length: 1000 }, (_, i) => `${tag}${i}`));
  // Every one of them came in on alice's own socket (SipPeer tcp = one connection),
  // and Kamailio opened no other connection on its SIP port.
  const after = await sipConnections();
  assert.deepEqual(after.map((c) => [c.src_port, c.dst_port]).sort(), before.map((c) => [c.src_port, c.dst_port]).sort());
}));

const TABLE3: Array<[number, string, string]> = [
  [404, "item-not-found", "cancel"],
  [480, "recipient-unavailable", "wait"],
  [486, "recipient-unavailable", "wait"],
  [603, "recipient-unavailable", "cancel"],
  [415, "not-acceptable", "modify"],
];

for (const [code, condition, type] of TABLE3) {
  test(`the UA answering ${code} gives the XMPP sender <${condition}/> type='${type}' with the same id`, () => withLogs(async () => {
    const body = `please answer ${code} ${Date.now()}`;
    alice.answerWith((req) => (req.body.toString("utf8") === body ? { code, reason: `Reason ${code}` } : { code: 200, reason: "OK" }));
    try {
      const id = `err-${code}`;
      const err = juliet.waitFor((s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id, 8000, `error for ${code}`);
      await juliet.send(message(`alice@${SIP_DOMAIN}`, body, { id }));
      const s = await err;
      assert.equal(s.attrs.from, `alice@${SIP_DOMAIN}`);
      const e = s.getChild("error")!;
      assert.equal(e.attrs.type, type);
      assert.ok(e.getChild(condition, NS), e.toString());
    } finally {
      alice.answerWith(answerAlice);
    }
  }));
}

test("a SIP user who never registered: Kamailio's lookup finds no contact (404, docs/wire.md) → <item-not-found/> cancel", () => withLogs(async () => {
  const err = juliet.waitFor((s) => s.attrs.type === "error" && s.attrs.id === "unreg", 8000, "error for unregistered user");
  await juliet.send(message(`bob@${SIP_DOMAIN}`, "are you there?", { id: "unreg" }));
  const e = (await err).getChild("error")!;
  assert.ok(e.getChild("item-not-found", NS), e.toString()); // RFC 7247 Table 3: 404
  assert.equal(e.attrs.type, "cancel");
}));

test("a UA that never answers produces <remote-server-timeout/>", () => withLogs(async () => {
  const body = `silence ${Date.now()}`;
  alice.answerWith((req) => (req.body.toString("utf8") === body ? undefined : { code: 200, reason: "OK" }));
  try {
    const err = juliet.waitFor((s) => s.attrs.type === "error" && s.attrs.id === "silent", UAC_TIMEOUT_MS + 8000, "timeout error");
    await juliet.send(message(`alice@${SIP_DOMAIN}`, body, { id: "silent" }));
    const e = (await err).getChild("error")!;
    assert.ok(e.getChild("remote-server-timeout", NS), e.toString());
    assert.equal(e.attrs.type, "wait");
  } finally {
    alice.answerWith(answerAlice);
  }
}));

test("a message whose SIP form would exceed 1300 bytes gets <policy-violation/> and no SIP request is sent", () => withLogs(async () => {
  const body = `big-${Date.now()}-` + "x".repeat(1300);
  const err = juliet.waitFor((s) => s.attrs.type === "error" && s.attrs.id === "big", 8000, "policy-violation");
  await juliet.send(message(`alice@${SIP_DOMAIN}`, body, { id: "big" }));
  const e = (await err).getChild("error")!;
  assert.ok(e.getChild("policy-violation", NS));
  assert.equal(e.attrs.type, "modify"); // docs/mapping.md "Size"
  await barrier();
  assert.equal(messagesWithBody(alice, body).length, 0);
}));

/** The bytes Kamailio put on the wire for `body` (alice's copy), or the error Juliet got instead. */
async function onTheWire(body: string, id: string): Promise<{ bytes: number } | { error: Element }> {
  const arrived = alice.waitFor((x) => x.method === "MESSAGE" && x.body.toString("utf8") === body, 10000).then((m) => ({ bytes: m.raw.length }));
  const refused = juliet.waitFor((s) => s.attrs.type === "error" && s.attrs.id === id, 10000, `error ${id}`).then((error) => ({ error }));
  arrived.catch(() => {}); refused.catch(() => {});
  await juliet.send(message(`alice@${SIP_DOMAIN}`, body, { id, thread: "size-probe@stox", lang: "en" }));
  return Promise.race([arrived, refused]);
}

// docs/mapping.md "Size": measured on the real request Kamailio sends (alice's
// copy, as received), not on the bridge's own rendering of it.
test("the 1300-byte limit (RFC 3428 §8) holds on the wire: the largest message let through is at most 1300 bytes as sent, one byte more is refused", hosts().suite === "bookworm" ? { todo: "known gap on Kamailio 5.6, docs/mapping.md \"Size\": Kamailio adds what the bridge does not count; the exact check on the wire needs Kamailio 6.0+" } : {}, () => withLogs(async () => {
  const filler = (n: number, tag: string) => tag + "x".repeat(n - tag.length);
  const probe = await onTheWire(filler(500, `probe-${Date.now()}-`), "size-probe");
  assert.ok("bytes" in probe, "a 500-byte body is far below the limit");
  const overhead = probe.bytes - 500; // same Content-Length digit count as the sizes below
  const fits = await onTheWire(filler(1300 - overhead, `fit-${Date.now()}-`), "size-fit");
  assert.ok("bytes" in fits, `a message of exactly 1300 bytes on the wire was refused: ${"error" in fits ? fits.error.toString() : ""}`);
  assert.equal(fits.bytes, 1300);
  const over = filler(1301 - overhead, `over-${Date.now()}-`);
  const tooBig = await onTheWire(over, "size-over");
  assert.ok("error" in tooBig, `${"bytes" in tooBig ? tooBig.bytes : 0} bytes went out on the wire`);
  assert.ok(tooBig.error.getChild("error")?.getChild("policy-violation", NS), tooBig.error.toString());
}));

test("CR/LF and control characters in subject, thread or xml:lang never produce an extra SIP header (checked at the wire)", () => withLogs(async () => {
  const body = `inject-${Date.now()}`;
  await juliet.send(message(`alice@${SIP_DOMAIN}`, body, { subject: "hi\r\nX-Injected-Subject: 1", thread: "t\r\nX-Injected-Thread: 1", lang: "en\r\nX-Injected-Lang: 1" }));
  const m = await alice.waitFor((x) => x.method === "MESSAGE" && x.body.toString("utf8") === body, 8000);
  const head = m.raw.toString("latin1").split("\r\n\r\n")[0]!;
  assert.doesNotMatch(head, /^X-Injected/im);
  assert.equal(m.headers.filter(([n]) => /^x-injected/i.test(n)).length, 0);
}));

test("presence and iq to a SIP address get a deliberate answer, never a hang (prosody-module/README.md)", () => withLogs(async () => {
  const iq = juliet.waitFor((s) => s.is("iq") && s.attrs.id === "iq1", 5000, "iq answer");
  await juliet.send(xml("iq", { to: `alice@${SIP_DOMAIN}`, type: "get", id: "iq1" }, xml("query", { xmlns: "jabber:iq:version" })));
  const e = (await iq).getChild("error");
  assert.equal(e?.attrs.type, "cancel");
  assert.ok(e?.getChild("service-unavailable", NS), String(e));
  // RFC 6121 §3.1.3: a subscription request is answered "unsubscribed" from the bare SIP address.
  // Prosody forwards it to "interested" resources only (RFC 6121 §2.1.6): fetch the roster first.
  const roster = juliet.waitFor((s) => s.is("iq") && s.attrs.id === "roster1" && s.attrs.type === "result", 5000, "the roster");
  await juliet.send(xml("iq", { type: "get", id: "roster1" }, xml("query", { xmlns: "jabber:iq:roster" })));
  await roster;
  const unsub = juliet.waitFor((s) => s.is("presence") && s.attrs.from === `alice@${SIP_DOMAIN}`, 5000, "unsubscribed");
  await juliet.send(xml("presence", { to: `alice@${SIP_DOMAIN}`, type: "subscribe", id: "sub1" }));
  const p = await unsub;
  assert.equal(p.attrs.type, "unsubscribed");
  assert.equal(p.attrs.from, `alice@${SIP_DOMAIN}`);
}));
