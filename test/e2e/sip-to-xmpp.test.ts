/**
 * SIP → XMPP through real Kamailio, the bridge and real Prosody (issue:
 * "SIP → XMPP end to end"). A real SIP peer sends MESSAGE; a real XMPP client
 * (@xmpp/client) receives; the SIP final response must tell the truth.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { SipPeer, type SipMessage } from "../support/sip-peer.js";
import { sipMessageId } from "../../bridge/src/mapping/message-id.js";
import { bridgeCounters, untilCounters } from "./observe.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack, withStackLogs } from "./stack.js";

let stack: Stack;
let juliet: TestClient;
let udp: SipPeer;
let tcp: SipPeer;

before(async () => {
  stack = await startStack();
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret", resource: "balcony" });
  udp = await SipPeer.open("udp", { host: "127.0.0.1", port: stack.ports.sip });
  tcp = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
});

after(async () => {
  await juliet?.stop();
  udp?.close();
  tcp?.close();
  await stack?.stop();
});

/** Fails with the three servers' logs attached. */
const withLogs = <T>(fn: () => Promise<T>): Promise<T> => withStackLogs(stack, fn);

const bodyOf = (s: { getChildText(n: string): string | null }) => s.getChildText("body");

/**
 * A plain message Juliet must receive: anything delivered to her before it
 * (one c2s stream, in order) has arrived by the time it does.
 */
async function barrier(): Promise<void> {
  const text = `barrier ${Date.now()} ${Math.random()}`;
  const got = juliet.waitFor((s) => s.is("message") && bodyOf(s) === text, 8000, "the barrier message");
  const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: text }, 10000);
  assert.equal(response.status, 200);
  await got;
}

test("a MESSAGE to an online XMPP user arrives with every RFC 7572 Table 2 field; the sender gets 200", () => withLogs(async () => {
  const text = "Grüße aus Verona 🙂 \"quoted\" & <angled>";
  const callId = `verona-${Date.now()}@127.0.0.1`;
  const got = juliet.waitFor((s) => s.is("message") && bodyOf(s) === text, 8000, "the message");
  const { response } = await udp.request({
    method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`,
    from: `sip:romeo@${SIP_DOMAIN};gr=phone1`, callId,
    headers: ["Subject: Tonight", "Content-Language: it"], body: text, contentType: "text/plain;charset=UTF-8",
  }, 10000);
  assert.equal(response.status, 200);
  const s = await got;
  assert.equal(s.attrs.from, `romeo@${SIP_DOMAIN}/phone1`); // full JID from gr (RFC 7572 §5 note 1)
  assert.equal(s.attrs.to, `juliet@${XMPP_DOMAIN}`);
  assert.equal(s.attrs.type, undefined); // RFC 7572 §5: no type attribute at all (docs/mapping.md)
  assert.equal(s.getChildText("thread"), callId);
  // docs/mapping.md "Message ids": stanza id = XEP-0359 origin-id, from Call-ID and CSeq.
  const origin = s.getChildren("origin-id").filter((c) => c.attrs.xmlns === "urn:xmpp:sid:0");
  assert.equal(origin.length, 1, s.toString());
  assert.equal(origin[0]!.attrs.id, sipMessageId(callId, 1));
  assert.equal(s.attrs.id, sipMessageId(callId, 1));
  assert.equal(s.getChildText("subject"), "Tonight");
  assert.equal(s.attrs["xml:lang"], "it");
  assert.equal(Buffer.from(bodyOf(s)!, "utf8").toString("hex"), Buffer.from(text, "utf8").toString("hex")); // byte-exact
}));

test("the same MESSAGE sent again (same Call-ID and CSeq) arrives with the same id and origin-id; the next CSeq with another", () => withLogs(async () => {
  const callId = `again-${Date.now()}@127.0.0.1`;
  const send = async (cseq: number, text: string) => {
    const got = juliet.waitFor((s) => s.is("message") && bodyOf(s) === text, 8000, text);
    // A new transaction each time (new Via branch, new From tag), as a UA re-sending after an error would.
    const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:romeo@${SIP_DOMAIN}`, callId, cseq, body: text }, 10000);
    assert.equal(response.status, 200);
    const s = await got;
    return { id: s.attrs.id as string, origin: s.getChildren("origin-id").filter((c) => c.attrs.xmlns === "urn:xmpp:sid:0").map((c) => c.attrs.id as string) };
  };
  const first = await send(1, `${callId} first`);
  const again = await send(1, `${callId} again`);
  const next = await send(2, `${callId} next`);
  assert.deepEqual(first.origin, [first.id]);
  assert.deepEqual(again, first);
  assert.deepEqual(next.origin, [next.id]);
  assert.notEqual(next.id, first.id);
}));

test("to an existing offline user: stored by Prosody (202 Accepted), delivered at next login", () => withLogs(async () => {
  const text = `kept for later ${Date.now()}`;
  const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:romeo@${XMPP_DOMAIN}`, to: `sip:romeo@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: text }, 10000);
  assert.equal(response.status, 202);
  const romeo = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "romeo", password: "romeo-secret" });
  try {
    const s = await romeo.waitFor((m) => m.is("message") && bodyOf(m) === text, 8000, "offline message");
    assert.equal(s.attrs.from, `alice@${SIP_DOMAIN}`);
  } finally { await romeo.stop(); }
}));

test("to a user that does not exist: the RFC 7247 mapping of Prosody's error, never 200, never 503", () => withLogs(async () => {
  const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:nobody@${XMPP_DOMAIN}`, to: `sip:nobody@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: "anyone?" }, 10000);
  // Prosody answers <service-unavailable/> for unknown users; RFC 7247 §7.1 note 5 → 403.
  assert.equal(response.status, 403);
}));

test("a spoofed From (not a local SIP domain) is refused with 403 and nothing is delivered", () => withLogs(async () => {
  const text = `spoof ${Date.now()}`;
  const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:mallory@${XMPP_DOMAIN}`, body: text }, 10000);
  assert.equal(response.status, 403);
  await barrier();
  assert.equal(juliet.received.some((s) => bodyOf(s) === text), false);
}));

test("sips: Request-URI → 480 with Warning 380, never translated", () => withLogs(async () => {
  const { response } = await tcp.request({ method: "MESSAGE", ruri: `sips:juliet@${XMPP_DOMAIN}`, to: `sips:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: "secure?" }, 10000);
  assert.equal(response.status, 480);
  assert.match(response.header("warning") ?? "", /^380 /);
}));

// Parsing strictness (docs/robustness.md): Kamailio relays $mb as received and
// the bridge refuses semantic errors with the RFC 4475 answer. What Kamailio's
// own parser rejects (a repeated From/To/Call-ID/CSeq, another SIP-Version)
// never reaches the bridge: Kamailio drops it unanswered.
type Verdict = { status: number; reason: string } | "dropped by Kamailio";
const afterCSeq = (line: string) => (raw: string) => raw.replace(/^(CSeq: [^\r]*)\r$/m, `$1\r\n${line}\r`);
const strict: Array<[string, (raw: string) => string, Verdict]> = [
  ["CSeq method ≠ request method", (raw) => raw.replace(/^CSeq: (\d+) MESSAGE\r$/m, "CSeq: $1 INVITE\r"), { status: 400, reason: "CSeq Method Mismatch" }],
  ["CSeq number 2^31", (raw) => raw.replace(/^CSeq: \d+ /m, "CSeq: 2147483648 "), { status: 400, reason: "Header Value Out of Range" }],
  ["Content-Length beyond the body", (raw) => raw.replace(/^Content-Length: \d+/m, "Content-Length: 999"), { status: 400, reason: "Bad Content-Length" }],
  ["a second Content-Type (compact c:)", afterCSeq("c: text/html"), { status: 400, reason: "Duplicate Header Field" }],
  ["a second Subject (compact s:)", afterCSeq("Subject: one\r\ns: two"), { status: 400, reason: "Duplicate Header Field" }],
  ["a second From (compact f:)", afterCSeq(`f: <sip:mallory@${SIP_DOMAIN}>;tag=2`), "dropped by Kamailio"],
  ["SIP-Version SIP/7.0", (raw) => raw.replace(/ SIP\/2\.0\r\n/, " SIP/7.0\r\n"), "dropped by Kamailio"],
];

for (const [name, mangle, verdict] of strict) {
  const expect = typeof verdict === "string" ? verdict : `${verdict.status} ${verdict.reason}`;
  test(`through Kamailio: ${name} → ${expect}, nothing delivered`, () => withLogs(async () => {
    const marker = `strict-${Date.now()}-${Math.random().toString(36).slice(2, 6)}`;
    const { raw } = udp.buildRequest({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, callId: marker, body: marker });
    const mangled = mangle(raw.toString("latin1"));
    assert.notEqual(mangled, raw.toString("latin1"));
    const refusals = () => stack.bridge.log().split("\n").filter((l) => l.includes('"msg":"refused","dir":"sip-to-xmpp"')).length;
    const refusedBefore = refusals();
    udp.send(Buffer.from(mangled, "latin1"));
    if (typeof verdict !== "string") {
      const response = await udp.waitFor((m) => m.status !== undefined && m.status >= 200 && m.header("call-id") === marker, 10000);
      assert.deepEqual([response.status, response.reason], [verdict.status, verdict.reason]);
    }
    // A valid message sent after it arrives; by then the refused one would have too.
    const after = `after-${marker}`;
    const ok = juliet.waitFor((s) => bodyOf(s) === after, 8000, "follow-up message");
    const { response: r2 } = await udp.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: after }, 10000);
    assert.equal(r2.status, 200);
    await ok;
    assert.equal(juliet.received.some((s) => bodyOf(s) === marker), false);
    if (verdict === "dropped by Kamailio") {
      assert.equal(udp.received.some((m) => m.header("call-id") === marker), false, "Kamailio answered");
      assert.equal(refusals(), refusedBefore, "the bridge saw it");
    } else {
      assert.equal(refusals(), refusedBefore + 1);
    }
  }));
}

const hostile: Array<[string, Buffer | string, string | undefined, (status: number, delivered: string | undefined) => void]> = [
  ["</body><script>", "</body><script>alert(1)</script>", undefined, (st, d) => { assert.equal(st, 200); assert.equal(d, "</body><script>alert(1)</script>"); }],
  ["quotes and apostrophes", `"'"'&amp;`, undefined, (st, d) => { assert.equal(st, 200); assert.equal(d, `"'"'&amp;`); }],
  // docs/content.md: CRLF and lone CR become LF.
  ["CR/LF in the body", "line1\r\nline2\rline3\nline4", undefined, (st, d) => { assert.equal(st, 200); assert.equal(d, "line1\nline2\nline3\nline4"); }],
  ["NUL and control characters", "a\u0000b\u0007c", undefined, (st, d) => { assert.equal(st, 200); assert.equal(d, "abc"); }],
  ["invalid UTF-8", Buffer.from([0x61, 0xff, 0xfe, 0x62]), "text/plain;charset=UTF-8", (st, d) => { assert.equal(st, 400); assert.equal(d, undefined); }],
  // Under STOX_MAX_BODY and max_stanza_bytes (65536 each: kamailio-module/README.md, docs/operations.md).
  ["60 KB body over TCP", "x".repeat(60 * 1024), undefined, (st, d) => { assert.equal(st, 200); assert.equal(d?.length, 60 * 1024); }],
];

for (const [name, body, ctype, check] of hostile) {
  test(`hostile content: ${name} → escaped stanza or a clear 4xx, and both hosts keep working`, () => withLogs(async () => {
    const marker = `m${Date.now()}${Math.random().toString(36).slice(2, 6)}`;
    const peer = Buffer.isBuffer(body) || body.length < 1200 ? udp : tcp;
    const { response } = await peer.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, callId: marker, body, ...(ctype ? { contentType: ctype } : {}) }, 10000);
    // Neither adapter wedged: a plain message still goes through — and whatever
    // the hostile one produced at Juliet has arrived before it.
    await barrier();
    const delivered = juliet.received.filter((s) => s.is("message") && s.getChildText("thread") === marker);
    assert.ok(delivered.length <= 1, `${delivered.length} copies`);
    check(response.status!, delivered[0] ? bodyOf(delivered[0]) ?? undefined : undefined);
  }));
}

test("bridge down: 480 with Retry-After at once (no STOX_TIMEOUT wait, which would end in 504)", () => withLogs(async () => {
  const mark = stack.kamailio.proc.log().length;
  await stack.bridge.stop();
  await stack.kamailio.proc.waitForLog(/stox: bridge connection \d+ closed \(bridges=0\)/, 5000, mark);
  try {
    const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: "anyone home?" }, 5000);
    assert.equal(response.status, 480);
    assert.match(response.header("retry-after") ?? "", /^\d+$/);
  } finally {
    await stack.startBridge();
  }
}));

test("bridge SIGKILLed with transactions suspended: every one still gets a final answer", () => withLogs(async () => {
  const prosodyPid = stack.prosody.proc.child.pid!;
  process.kill(prosodyPid, "SIGSTOP"); // deliveries hang, so transactions stay suspended in Kamailio
  const pending: Array<Promise<SipMessage>> = [];
  const base = (await bridgeCounters(stack.bridge)).frames["kamailio:sip.message"] ?? 0;
  try {
    for (let i = 0; i < 5; i++) {
      pending.push(udp.start({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: `in flight ${i}` }, 20000).response);
    }
    // All five handed to the bridge (so suspended in Kamailio), none answered yet.
    await untilCounters(stack.bridge, (c) => (c.frames["kamailio:sip.message"] ?? 0) >= base + 5, "five more sip.message frames");
    stack.bridge.child.kill("SIGKILL");
    const answers = await Promise.all(pending);
    for (const a of answers) {
      // docs/robustness.md: "503 Bridge Lost" + Retry-After the moment the evapi connection closes.
      assert.equal(a.status, 503, `final answer ${a.status} ${a.reason}`);
      assert.equal(a.reason, "Bridge Lost");
      assert.match(a.header("retry-after") ?? "", /^\d+$/);
    }
  } finally {
    process.kill(prosodyPid, "SIGCONT");
    await stack.bridge.stop();
    await stack.startBridge();
  }
  const again = `back ${Date.now()}`;
  const ok = juliet.waitFor((s) => bodyOf(s) === again, 8000, "message after restart");
  const { response } = await udp.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: again }, 10000);
  assert.equal(response.status, 200);
  await ok;
}));
