/**
 * The real bridge process against fake adapters speaking the real wire
 * protocols (issue "nothing lost, nothing let in", point 4): each hostile
 * input gets a clear refusal, nothing is delivered, and the bridge keeps
 * serving valid traffic.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FakeKamailio, rawMessage } from "../support/fake-kamailio.js";
import { FakeProsody } from "../support/fake-prosody.js";
import { startBridge } from "../support/bridge.js";
import { tempDir, tail, type Managed } from "../support/process.js";

let kam: FakeKamailio;
let pro: FakeProsody;
let bridge: Managed;
let dir: string;
let seq = 0;

before(async () => {
  dir = tempDir("hostile");
  kam = new FakeKamailio();
  await kam.start();
  bridge = await startBridge({ dir, evapiPort: kam.evapiPort, prosodySocket: path.join(dir, "p.sock"), extra: { secret: "s3cret-value", ping_interval_ms: "500", prosody_socket_group: "prosody" } }, [/"msg":"bridge started"/]);
  pro = new FakeProsody(path.join(dir, "p.sock"), { secret: "s3cret-value" });
  await pro.connect();
  await kam.until(() => kam.hellos.length > 0, 5000, "bridge hello on evapi");
  await pro.until(() => pro.of("hello").length > 0, 5000, "bridge hello to prosody");
});

after(async () => {
  pro?.close();
  await bridge?.stop();
  await kam?.stop();
});

async function withLog<T>(fn: () => Promise<T>): Promise<T> {
  try { return await fn(); } catch (e) {
    (e as Error).message += "\n--- bridge log ---\n" + tail(bridge.log(), 30);
    throw e;
  }
}

/** Sends a sip.message event and returns the resume command the bridge posts for it. */
async function sipMessage(fields: Record<string, unknown>): Promise<any> {
  const tindex = String(++seq);
  kam.sendEvent({ type: "sip.message", v: 1, id: `${tindex}:1`, tindex, tlabel: "1", ruri: "sip:juliet@xmpp.example", ...fields });
  await kam.until(() => kam.commands.some((c) => c.body?.type === "sip.resume" && c.body.tindex === tindex), 5000, `resume for ${tindex}`);
  return kam.commands.find((c) => c.body?.type === "sip.resume" && c.body.tindex === tindex)!.body;
}

const delivers = () => pro.of("xmpp.deliver").length;

async function assertStillServes(): Promise<void> {
  const before = delivers();
  const r = await sipMessage({ msg: rawMessage({ body: `still alive ${seq}` }) });
  assert.equal(r.code, 200);
  assert.equal(delivers(), before + 1);
}

test("valid traffic: a MESSAGE becomes one delivery and a 200 resume", () => withLog(async () => {
  await assertStillServes();
  assert.equal(kam.commands.find((c) => c.body?.type === "sip.resume")?.headers["x-stox-secret"], "s3cret-value");
}));

const refusals: Array<[string, Record<string, unknown>, number, RegExp?, string?]> = [
  ["broken SIP headers", { msg: "MESSAGE sip:juliet@xmpp.example SIP/2.0\r\nFrom <broken\r\n\r\nhi" }, 400],
  ["a request line that is not SIP", { msg: "GET / HTTP/1.1\r\n\r\n" }, 400],
  ["spoofed From (an XMPP domain)", { msg: rawMessage({ from: "sip:mallory@xmpp.example" }) }, 403],
  ["spoofed From (a foreign SIP domain)", { msg: rawMessage({ from: "sip:mallory@evil.example" }) }, 403],
  ["sips: To", { msg: rawMessage({ to: "sips:juliet@xmpp.example" }) }, 480, /^380 /],
  ["Max-Forwards: 0", { msg: rawMessage({ headers: ["Max-Forwards: 0"] }).replace("Max-Forwards: 69\r\n", "") }, 483],
  ["invalid UTF-8 body", { msg_b64: Buffer.concat([Buffer.from(rawMessage({ body: "xx" }).slice(0, -2)), Buffer.from([0xff, 0xfe])]).toString("base64") }, 400],
  ["unsupported content type", { msg: rawMessage().replace("text/plain", "application/x-evil") }, 415],
  ["oversized body (70 KB)", { msg: rawMessage({ body: "x".repeat(70000) }) }, 413],
  ["a password in the From URI", { msg: rawMessage({ from: "sip:romeo:pw@sip.example" }) }, 400],
  // Parsing strictness (docs/robustness.md): the raw $mb in the event is held to RFC 4475's answers.
  ["SIP-Version SIP/7.0", { msg: rawMessage().replace(" SIP/2.0\r\n", " SIP/7.0\r\n") }, 505, undefined, "Version Not Supported"],
  ["CSeq method ≠ request method", { msg: rawMessage().replace("CSeq: 1 MESSAGE", "CSeq: 1 INVITE") }, 400, undefined, "CSeq Method Mismatch"],
  ["a second From (compact f:)", { msg: rawMessage({ headers: ["f: <sip:mallory@sip.example>;tag=2"] }) }, 400],
  ["a second Call-ID (compact i:)", { msg: rawMessage({ headers: ["i: other@host"] }) }, 400],
  ["CSeq number 2^31", { msg: rawMessage().replace("CSeq: 1 ", "CSeq: 2147483648 ") }, 400],
  ["Max-Forwards 256", { msg: rawMessage().replace("Max-Forwards: 69", "Max-Forwards: 256") }, 400],
  ["Content-Length beyond the body", { msg: rawMessage({ body: "hello" }).replace("Content-Length: 5", "Content-Length: 6") }, 400],
];

for (const [name, fields, code, warning, reason] of refusals) {
  test(`hostile SIP: ${name} → ${code}, nothing delivered`, () => withLog(async () => {
    const before = delivers();
    const r = await sipMessage(fields);
    assert.equal(r.code, code);
    if (warning) assert.match(r.hdrs?.warning ?? "", warning);
    if (reason) assert.equal(r.reason, reason);
    if (code === 415) assert.match(r.hdrs?.accept ?? "", /text\/plain/);
    assert.doesNotMatch(r.reason, /[\r\n]/);
    // Barrier: a valid MESSAGE after it is delivered; anything delivered for the
    // hostile one would have come first on the same Prosody link.
    await assertStillServes();
    assert.equal(delivers(), before + 1, "only the barrier was delivered");
  }));
}

test("malformed evapi frames: non-JSON, unknown type, invalid fields are counted and ignored; the bridge keeps serving", () => withLog(async () => {
  kam.sendRaw("7:garbage,");
  kam.sendEvent({ type: "sip.nonsense", v: 1, id: "x" });
  kam.sendEvent({ type: "sip.message", v: 1, id: "y", tindex: "abc", tlabel: "1", ruri: "sip:a@b", msg: "x" });
  kam.sendEvent({ type: "sip.message", v: 2, id: "z", tindex: "1", tlabel: "1", ruri: "sip:a@b", msg: "x" });
  await assertStillServes();
  assert.match(bridge.log(), /"msg":"invalid evapi event"/);
  assert.match(bridge.log(), /"msg":"unknown evapi event"/);
}));

test("broken netstring framing: the bridge drops that evapi connection, reconnects and says hello again", () => withLog(async () => {
  const hellos = kam.hellos.length;
  kam.sendRaw("12x:not a netstring,");
  await kam.until(() => kam.hellos.length > hellos, 8000, "reconnect + hello");
  await assertStillServes();
}));

test("Prosody link: garbage MessagePack, unknown type and schema violations get error frames", () => withLog(async () => {
  const errors = () => pro.of("error");
  const n = errors().length;
  const frame = (payload: Buffer) => { const h = Buffer.alloc(4); h.writeUInt32BE(payload.length); return Buffer.concat([h, payload]); };
  pro.sendRaw(frame(Buffer.from([0xc1, 0xff, 0x00])));
  pro.send({ type: "xmpp.nonsense", v: 1, id: "u1" });
  pro.send({ type: "xmpp.stanza", v: 1, id: "s1", host: "xmpp.example" }); // no xml
  await pro.until(() => errors().length >= n + 3, 5000, "three error frames");
  const codes = errors().slice(n).map((e) => e.code);
  assert.deepEqual(codes.sort(), ["bad-frame", "bad-frame", "unknown-type"]);
  assert.equal(errors().slice(n).find((e) => e.ref === "s1")?.message.startsWith("xml"), true);
  await assertStillServes();
}));

/** Sends an xmpp.stanza and waits for its stanza-done. */
async function stanza(xml: string): Promise<{ done: any; sends: any[]; errors: any[] }> {
  const id = `st-${++seq}`;
  const sendsBefore = kam.commands.filter((c) => c.body?.type === "sip.send").length;
  const delBefore = delivers();
  pro.send({ type: "xmpp.stanza", v: 1, id, host: "xmpp.example", xml });
  // The bridge sends SIP (and waits for its result) and bounces before it says done.
  await pro.until(() => pro.of("xmpp.stanza-done").some((f) => f.ref === id), 5000, "stanza-done");
  return {
    done: pro.of("xmpp.stanza-done").find((f) => f.ref === id),
    sends: kam.commands.filter((c) => c.body?.type === "sip.send").slice(sendsBefore).map((c) => c.body),
    errors: pro.of("xmpp.deliver").slice(delBefore).map((f) => f.xml as string),
  };
}

test("hostile stanza: spoofed from (outside local XMPP domains) → <forbidden/>, no SIP request", () => withLog(async () => {
  const r = await stanza("<message from='mallory@evil.example/x' to='alice@sip.example' id='sp1'><body>hi</body></message>");
  assert.equal(r.done.outcome, "error");
  assert.equal(r.sends.length, 0);
  assert.match(r.errors[0] ?? "", /<forbidden xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"\/>/);
}));

test("hostile stanza: huge and deeply nested payloads are refused, no SIP request", () => withLog(async () => {
  const deep = await stanza(`<message from='juliet@xmpp.example/r' to='alice@sip.example'><body>x</body>${"<a>".repeat(200)}${"</a>".repeat(200)}</message>`);
  assert.equal(deep.done.outcome, "error");
  assert.equal(deep.sends.length, 0);
  const wide = await stanza(`<message from='juliet@xmpp.example/r' to='alice@sip.example'><body>x</body>${"<a/>".repeat(5000)}</message>`);
  assert.equal(wide.done.outcome, "error");
  assert.equal(wide.sends.length, 0);
}));

test("hostile stanza: header injection via subject/thread/xml:lang is neutralised before Kamailio sees it", () => withLog(async () => {
  const r = await stanza("<message from='juliet@xmpp.example/r' to='alice@sip.example' xml:lang='en&#13;&#10;X-A: 1'><subject>s&#13;&#10;X-B: 1</subject><thread>t&#13;&#10;X-C: 1</thread><body>b</body></message>");
  assert.equal(r.sends.length, 1);
  const cmd = r.sends[0];
  for (const v of [cmd.subject, cmd.callid, cmd.clang, cmd.from, cmd.to, cmd.ruri, cmd.ctype]) {
    if (v !== undefined) assert.doesNotMatch(String(v), /[\r\n\u0000]/);
  }
  assert.equal(cmd.clang, undefined);
}));

test("hostile stanza: XML injection in the body is carried as text, never as markup", () => withLog(async () => {
  const r = await stanza("<message from='juliet@xmpp.example/r' to='alice@sip.example'><body>&lt;/body&gt;&lt;script/&gt;</body></message>");
  assert.equal(r.sends[0]?.body, "</body><script/>");
}));

test("stanza strictness: a <body/> in another namespace is never sent as the message; an unknown type is normal", () => withLog(async () => {
  const foreign = await stanza("<message from='juliet@xmpp.example/r' to='alice@sip.example'><body xmlns='urn:other'>not the body</body></message>");
  assert.equal(foreign.sends.length, 0);
  const mixed = await stanza("<message from='juliet@xmpp.example/r' to='alice@sip.example' type='x-unknown'><body xmlns='urn:other'>not the body</body><body>the body</body></message>");
  assert.deepEqual(mixed.sends.map((c) => c.body), ["the body"]);
}));

test("an error stanza is never answered and never sent to SIP (RFC 6120 §8.3.1 rule 8)", () => withLog(async () => {
  const r = await stanza("<message type='error' from='juliet@xmpp.example/r' to='alice@sip.example'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>");
  assert.equal(r.sends.length, 0);
  assert.equal(r.errors.length, 0);
}));

test("a re-sent stanza (same frame id after a reconnect) is not sent to SIP twice", () => withLog(async () => {
  const id = `dup-${++seq}`;
  const xml = "<message from='juliet@xmpp.example/r' to='alice@sip.example'><body>once</body></message>";
  const count = () => kam.commands.filter((c) => c.body?.type === "sip.send" && c.body.body === "once").length;
  pro.send({ type: "xmpp.stanza", v: 1, id, host: "xmpp.example", xml });
  pro.send({ type: "xmpp.stanza", v: 1, id, host: "xmpp.example", xml });
  // Barrier: a third stanza to the same SIP address, after both. Sends to one
  // address go one at a time, in order (RFC 3428 §8): a second "once" would come before it.
  const after = await stanza(xml.replace("once", "barrier"));
  assert.ok(after.sends.some((c) => c.body === "barrier"), "the barrier went to SIP");
  assert.equal(count(), 1);
}));

test("who may connect: the socket is owner/group only, and a Prosody with a wrong secret is refused and logged", () => withLog(async () => {
  const st = fs.statSync(path.join(dir, "p.sock"));
  const mode = st.mode & 0o777;
  assert.equal(mode & 0o007, 0, `socket mode ${mode.toString(8)}`);
  const prosodyGid = /^prosody:[^:]*:(\d+):/m.exec(fs.readFileSync("/etc/group", "utf8"))?.[1];
  assert.equal(String(st.gid), prosodyGid, "the socket belongs to Debian's prosody group");
  const rogue = new FakeProsody(path.join(dir, "p.sock"), { secret: "wrong-secret" });
  await rogue.connect();
  await rogue.until(() => rogue.of("error").length > 0 || rogue.closed, 5000, "refusal");
  assert.equal(rogue.of("error")[0]?.code, "forbidden");
  assert.equal(rogue.of("hello").length, 0);
  rogue.close();
  assert.match(bridge.log(), /"msg":"prosody hello with a wrong secret refused"/);
  await assertStillServes(); // the real link is untouched
}));
