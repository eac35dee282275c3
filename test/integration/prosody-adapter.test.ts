/**
 * mod_stox against a REAL Prosody 0.12, with a FAKE bridge (a unix-socket server
 * speaking docs/wire.md through the real codec) and REAL XMPP clients (@xmpp/client).
 *
 *   npx tsc -p tsconfig.json && node --test --test-concurrency=1 dist/test/integration/prosody-adapter.test.js
 */
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { client, xml, type Client } from "@xmpp/client";
import { Parser, type Element } from "@xmpp/xml";
import { encodeFrame, decodeMsgpack, LengthPrefixedDecoder } from "../../common/src/wire/length-prefixed.js";
import { parseFrame, prosodyFrame } from "../../common/src/wire/frames.js";
import { freePort } from "../support/ports.js";
import { tempDir } from "../support/process.js";
import { hosts } from "../support/hosts.js";
import { startProsody, type ProsodyHandle } from "../support/prosody.js";

const VHOST = "xmpp.stox.test";
const SIP = "sip.stox.test";
const FOREIGN = ["sip.example.org", "sip.other.test"];
const QUEUE_TIMEOUT = 4;
const DONE_TIMEOUT = 3;
const QUEUE_SIZE = 5;
const READ_TIMEOUT = 2;
type Frame = Record<string, unknown> & { type: string; id: string };

// ---------------------------------------------------------------- fake bridge
/**
 * A stand-in for the bridge: listens where mod_stox connects (unix socket or
 * loopback TCP), decodes with the real codec, checks every frame Prosody sends
 * against the zod schemas the real bridge uses, and answers hello and ping like it.
 */
class FakeBridge {
  private server: net.Server | null = null;
  private sockets = new Set<net.Socket>();
  private current: net.Socket | null = null;
  private waiters: { pred: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  /** Every frame received, in order (never consumed: tests look for what they need). */
  readonly frames: Frame[] = [];
  /** Frames that the bridge's schemas would refuse. */
  readonly invalid: { frame: unknown; problem: string }[] = [];
  connections = 0;
  autoPong = true;

  constructor(readonly where: { path: string } | { port: number }) {}

  async start(): Promise<void> {
    if ("path" in this.where) fs.rmSync(this.where.path, { force: true });
    const server = net.createServer((sock) => this.accept(sock));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      if ("path" in this.where) server.listen(this.where.path, () => resolve());
      else server.listen(this.where.port, "127.0.0.1", () => resolve());
    });
  }

  private accept(sock: net.Socket): void {
    this.connections += 1;
    this.sockets.add(sock);
    this.current = sock;
    const decoder = new LengthPrefixedDecoder(1 << 20);
    sock.on("data", (chunk) => {
      let payloads: Buffer[];
      try { payloads = decoder.push(chunk); } catch { sock.destroy(); return; }
      for (const p of payloads) this.received(sock, decodeMsgpack(p) as Frame);
    });
    sock.on("error", () => {});
    sock.on("close", () => { this.sockets.delete(sock); if (this.current === sock) this.current = null; });
  }

  private received(sock: net.Socket, frame: Frame): void {
    const checked = parseFrame(prosodyFrame, frame);
    if (!checked.ok) this.invalid.push({ frame, problem: `${checked.problem.path}: ${checked.problem.message}` });
    this.frames.push(frame);
    if (frame.type === "hello") {
      sock.write(encodeFrame({ type: "hello", v: 1, id: nextId("bh"), ref: frame.id, role: "bridge", version: "fake" }));
    } else if (frame.type === "ping" && this.autoPong) {
      sock.write(encodeFrame({ type: "pong", v: 1, id: nextId("bp"), ref: frame.id }));
    }
    for (const w of [...this.waiters]) {
      if (w.pred(frame)) { this.waiters.splice(this.waiters.indexOf(w), 1); w.resolve(frame); }
    }
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    this.current = null;
    const srv = this.server;
    this.server = null;
    if (srv) await new Promise<void>((r) => srv.close(() => r()));
    if ("path" in this.where) fs.rmSync(this.where.path, { force: true });
  }

  sendRaw(bytes: Buffer): void {
    assert.ok(this.current, "fake bridge: Prosody is not connected");
    this.current.write(bytes);
  }

  send(frame: Record<string, unknown>): void { this.sendRaw(encodeFrame(frame)); }

  /** Frames from here on: `waitFor(pred, ms, what, bridge.mark())`. */
  mark(): number { return this.frames.length; }

  /** The first frame (already received from index `from`, or arriving within `ms`) matching `pred`. */
  waitFor(pred: (f: Frame) => boolean, ms = 5000, what = "frame", from = 0): Promise<Frame> {
    const seen = this.frames.slice(from).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (f: Frame) => { clearTimeout(t); resolve(f); } };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`fake bridge: timeout waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-5))}`));
      }, ms);
      this.waiters.push(w);
    });
  }

  /** Sends an xmpp.deliver and returns the answer (xmpp.outcome or error frame). */
  async deliver(xmlText: string, id = nextId("d")): Promise<Frame> {
    this.send({ type: "xmpp.deliver", v: 1, id, xml: xmlText });
    return this.waitFor((f) => f.ref === id && (f.type === "xmpp.outcome" || f.type === "error"), 5000, `answer to ${id}`);
  }

  done(ref: string, outcome: "sent" | "error" = "sent"): void {
    this.send({ type: "xmpp.stanza-done", v: 1, id: nextId("done"), ref, outcome });
  }

  /**
   * A ping and its pong: Prosody handles frames in order and writes on one
   * socket, so every frame it sent before answering has arrived now.
   */
  async roundTrip(): Promise<void> {
    const id = nextId("rt");
    this.send({ type: "ping", v: 1, id });
    await this.waitFor((f) => f.type === "pong" && f.ref === id, 5000, "pong");
  }
}

let counter = 0;
const nextId = (p: string) => `${p}${Date.now().toString(36)}${(counter++).toString(36)}`;

// ---------------------------------------------------------------- XMPP clients
interface User { x: Client; stanzas: Element[]; jid: string }

async function login(port: number, username: string, password: string, presence = true): Promise<User> {
  const x = client({ service: `xmpp://127.0.0.1:${port}`, domain: VHOST, username, password, resource: "r1" });
  const user: User = { x, stanzas: [], jid: `${username}@${VHOST}/r1` };
  x.on("error", () => {});
  x.on("stanza", (s) => { user.stanzas.push(s); });
  await withTimeout(x.start(), 10_000, `login ${username}`);
  if (presence) {
    await x.send(xml("presence"));
    // Stanzas of one session are processed in order: once this ping is answered,
    // the presence has been too (bare-JID delivery needs it).
    const id = nextId("ping");
    const answered = waitStanza(user, (s) => s.is("iq") && s.attrs.id === id, 5000, "ping result");
    await x.send(xml("iq", { type: "get", id, to: VHOST }, xml("ping", { xmlns: "urn:xmpp:ping" })));
    await answered;
  }
  return user;
}

function waitStanza(u: User, pred: (s: Element) => boolean, ms = 5000, what = "stanza"): Promise<Element> {
  const seen = u.stanzas.find(pred);
  if (seen) return Promise.resolve(seen);
  return new Promise((resolve, reject) => {
    const h = (s: Element) => { if (pred(s)) { clearTimeout(t); u.x.off("stanza", h); resolve(s); } };
    const t = setTimeout(() => { u.x.off("stanza", h); reject(new Error(`${u.jid}: timeout waiting for ${what}`)); }, ms);
    u.x.on("stanza", h);
  });
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`timeout: ${what}`)), ms); })]);
  } finally { clearTimeout(t); }
}

async function logout(u: User | undefined): Promise<void> {
  if (u) await withTimeout(u.x.stop(), 5000, "logout").catch(() => {});
}

/** Parses one element (as @xmpp/xml's parse(), which its typings do not export). */
function parse(text: string): Element {
  const p = new Parser();
  let root: Element | undefined;
  let failure: unknown;
  p.on("start", (el: Element) => { root = el; });
  p.on("element", (el: Element) => { root?.append(el); });
  p.on("error", (e: unknown) => { failure = e; });
  p.write(text);
  p.end();
  assert.ok(root && !failure, `unparsable XML: ${text}`);
  return root;
}

function stanzaFrameFor(bridge: FakeBridge, pred: (el: Element, f: Frame) => boolean, ms = 5000, what = "xmpp.stanza") {
  return bridge.waitFor((f) => f.type === "xmpp.stanza" && pred(parse(String(f.xml)), f), ms, what);
}

/** No frame matching `pred` came before a ping round trip (FakeBridge.roundTrip). */
async function noFrame(bridge: FakeBridge, pred: (f: Frame) => boolean): Promise<void> {
  await bridge.roundTrip();
  const hit = bridge.frames.find(pred);
  assert.equal(hit, undefined, `unexpected frame ${JSON.stringify(hit)}`);
}

/** Waits for `count` lines matching `pattern` in a log file after byte `since`. */
async function logged(logFile: string, pattern: RegExp, count: number, since: number, ms = 10_000): Promise<void> {
  const until = Date.now() + ms;
  const lines = () => fs.readFileSync(logFile).subarray(since).toString("utf8").split("\n").filter((l) => pattern.test(l)).length;
  while (lines() < count) {
    if (Date.now() > until) throw new Error(`prosody log: fewer than ${count} lines matching ${pattern}`);
    await sleep(20); // polling the log file: the event is the line itself
  }
}
const logSize = (logFile: string) => fs.statSync(logFile).size;

/**
 * A message the bridge delivers to `u` after the frames sent so far: Prosody
 * handles frames in order and writes to one c2s stream, so whatever it sent
 * `u` because of earlier frames has arrived once this one has.
 */
async function deliveredAfter(bridge: FakeBridge, u: User): Promise<void> {
  const id = nextId("bar");
  const got = waitStanza(u, (st) => st.is("message") && st.attrs.id === id, 5000, "barrier message");
  const answer = await bridge.deliver(`<message from="barrier@${SIP}/b" to="${u.jid}" id="${id}"><body>barrier</body></message>`);
  assert.equal(answer.outcome, "delivered");
  await got;
}

// ---------------------------------------------------------------- suite
describe("mod_stox against a real Prosody", () => {
  let dir: string;
  let prosody: ProsodyHandle;
  let bridge: FakeBridge;
  let port: number;
  const users: User[] = [];

  before(async () => {
    dir = tempDir("prosody-adapter");
    port = await freePort();
    bridge = new FakeBridge({ path: path.join(dir, "bridge.sock") });
    await bridge.start();
    prosody = await startProsody({
      dir, c2sPort: port, bridgeSocket: path.join(dir, "bridge.sock"), vhost: VHOST, sipComponent: SIP,
      foreignSipDomains: FOREIGN, queueTimeout: QUEUE_TIMEOUT, reconnectMax: 1,
      doneTimeout: DONE_TIMEOUT, queueSize: QUEUE_SIZE, readTimeout: READ_TIMEOUT,
      users: [{ user: "alice", password: "alice-pw" }, { user: "bob", password: "bob-pw" }, { user: "carol", password: "carol-pw" }],
    });
    await bridge.waitFor((f) => f.type === "hello", 10_000, "hello");
  });

  after(async () => {
    for (const u of users) await logout(u);
    await prosody?.stop();
    await bridge?.stop();
  });

  /** A test that prints Prosody's log tail when it fails. */
  const check = (name: string, fn: () => Promise<void>) => it(name, async () => {
    try { await fn(); } catch (e) {
      console.error(`---- ${name}: prosody log tail (${prosody.logFile})\n${prosody.logTail(120)}`);
      throw e;
    }
  });

  const online = async (name: string, pw: string) => { const u = await login(port, name, pw); users.push(u); return u; };

  check("sends hello on connect with hosts, components and sip_domains", async () => {
    const hello = await bridge.waitFor((f) => f.type === "hello");
    assert.equal(hello.v, 1);
    assert.equal(hello.role, "prosody");
    assert.match(String(hello.version), hosts().versions.prosody);
    assert.deepEqual(hello.hosts, [VHOST]);
    assert.deepEqual(hello.components, [SIP]);
    assert.deepEqual(hello.sip_domains, [...FOREIGN].sort());
    assert.equal(hello.max_stanza, 262144);
    assert.equal(hello.max_frame, 262144); // stox_max_frame's default
    assert.equal(hello.done_timeout_ms, DONE_TIMEOUT * 1000);
    assert.ok(typeof hello.id === "string" && hello.id.length > 0);
  });

  check("answers ping with pong", async () => {
    const id = nextId("ping");
    bridge.send({ type: "ping", v: 1, id });
    const pong = await bridge.waitFor((f) => f.type === "pong" && f.ref === id);
    assert.equal(pong.v, 1);
  });

  check("xmpp.deliver to an online user: exact stanza arrives, outcome delivered", async () => {
    const alice = await online("alice", "alice-pw");
    const sid = nextId("m");
    const text = `<message from="romeo@${SIP}/gruu1" to="alice@${VHOST}" id="${sid}" type="chat" xml:lang="fr">` +
      `<thread>th-1</thread><subject>Sujet</subject><body>Bonjour &amp; &lt;salut&gt; ☃</body></message>`;
    const got = waitStanza(alice, (s) => s.is("message") && s.attrs.id === sid, 5000, "delivered message");
    const answer = await bridge.deliver(text);
    assert.equal(answer.type, "xmpp.outcome");
    assert.equal(answer.outcome, "delivered");
    assert.equal(answer.v, 1);
    const m = await got;
    assert.equal(m.attrs.from, `romeo@${SIP}/gruu1`);
    assert.equal(m.attrs.to, `alice@${VHOST}`);
    assert.equal(m.attrs.type, "chat");
    assert.equal(m.attrs["xml:lang"], "fr");
    assert.equal(m.getChildText("thread"), "th-1");
    assert.equal(m.getChildText("subject"), "Sujet");
    assert.equal(m.getChildText("body"), "Bonjour & <salut> ☃");
  });

  check("xmpp.deliver to an existing offline user: outcome stored, delivered at next login", async () => {
    const sid = nextId("off");
    const answer = await bridge.deliver(
      `<message from="romeo@${SIP}/gruu1" to="bob@${VHOST}" id="${sid}" type="chat"><body>while you were out</body></message>`);
    assert.equal(answer.type, "xmpp.outcome");
    assert.equal(answer.outcome, "stored");
    const bob = await online("bob", "bob-pw");
    const m = await waitStanza(bob, (s) => s.is("message") && s.attrs.id === sid, 5000, "offline message");
    assert.equal(m.getChildText("body"), "while you were out");
    assert.ok(m.getChild("delay", "urn:xmpp:delay"), "offline message carries a delay stamp");
  });

  check("xmpp.deliver to a nonexistent user: outcome error with Prosody's condition; the error is not forwarded", async () => {
    const sid = nextId("nx");
    const answer = await bridge.deliver(
      `<message from="romeo@${SIP}/gruu1" to="nobody@${VHOST}" id="${sid}" type="chat"><body>hi?</body></message>`);
    assert.equal(answer.type, "xmpp.outcome");
    assert.equal(answer.outcome, "error");
    assert.equal(answer.condition, "service-unavailable");
    assert.equal(answer.error_type, "cancel");
    await noFrame(bridge, (f) => f.type === "xmpp.stanza" && String(f.xml).includes(sid));
  });

  check("xmpp.deliver to a remote domain from our component: outcome relayed (s2s takes it)", async () => {
    const sid = nextId("rel");
    const since = logSize(prosody.logFile);
    const answer = await bridge.deliver(
      `<message from="romeo@${SIP}/gruu1" to="dave@remote.invalid" id="${sid}" type="chat"><body>far away</body></message>`);
    assert.equal(answer.outcome, "relayed");
    // the s2s failure that follows is claimed and logged, never forwarded as a new stanza
    await logged(prosody.logFile, /Late \S+ error for relayed delivery/, 1, since);
    await noFrame(bridge, (f) => f.type === "xmpp.stanza" && String(f.xml).includes(sid));
  });

  check("xmpp.deliver from a foreign SIP domain: delivered, or Prosody's error claimed via route/remote", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("ff");
    const got = waitStanza(alice, (s) => s.is("message") && s.attrs.id === sid, 5000, "message from a foreign SIP domain");
    const ok = await bridge.deliver(`<message from="romeo@${FOREIGN[0]}/g" to="alice@${VHOST}" id="${sid}"><body>hi</body></message>`);
    assert.equal(ok.outcome, "delivered");
    assert.equal((await got).attrs.from, `romeo@${FOREIGN[0]}/g`);
    const nid = nextId("fn");
    const err = await bridge.deliver(`<message from="romeo@${FOREIGN[0]}/g" to="nobody@${VHOST}" id="${nid}"><body>hi</body></message>`);
    assert.equal(err.outcome, "error");
    assert.equal(err.condition, "service-unavailable");
    await noFrame(bridge, (f) => f.type === "xmpp.stanza" && String(f.xml).includes(nid));
    const far = await bridge.deliver(`<message from="romeo@${FOREIGN[0]}/g" to="dave@remote.invalid" id="${nextId("fr")}"><body>x</body></message>`);
    assert.equal(far.outcome, "error");
    assert.equal(far.condition, "not-allowed");
  });

  check("xmpp.deliver refusals: spoofed local from, loop to a SIP domain", async () => {
    const spoof = await bridge.deliver(`<message from="bob@${VHOST}" to="alice@${VHOST}" id="${nextId("sp")}"><body>x</body></message>`);
    assert.equal(spoof.outcome, "error");
    assert.equal(spoof.condition, "forbidden");
    const loop = await bridge.deliver(`<message from="romeo@${SIP}" to="juliet@${FOREIGN[0]}" id="${nextId("lp")}"><body>x</body></message>`);
    assert.equal(loop.outcome, "error");
    assert.equal(loop.condition, "not-allowed");
  });

  check("xmpp.deliver with junk XML or a non-message: error frame with ref, module keeps working", async () => {
    const junk = await bridge.deliver("<message from='a@b' to=");
    assert.equal(junk.type, "error");
    assert.equal(junk.code, "bad-xml");
    const iq = await bridge.deliver(`<iq type="get" from="romeo@${SIP}" to="alice@${VHOST}" id="q"><query xmlns="jabber:iq:version"/></iq>`);
    assert.equal(iq.type, "error");
    assert.equal(iq.code, "not-message");
    const ns = await bridge.deliver(`<message xmlns="urn:evil" from="romeo@${SIP}" to="alice@${VHOST}"/>`);
    assert.equal(ns.type, "error");
    assert.equal(ns.code, "not-message");
    const noTo = await bridge.deliver(`<message from="romeo@${SIP}"><body>x</body></message>`);
    assert.equal(noTo.code, "bad-address");
    const ok = await bridge.deliver(`<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${nextId("ok")}"><body>still here</body></message>`);
    assert.equal(ok.outcome, "delivered");
  });

  check("a re-sent xmpp.deliver (same id) gets the same outcome and is not delivered twice", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("dup");
    const id = nextId("d");
    const text = `<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${sid}" type="chat"><body>once</body></message>`;
    const first = await bridge.deliver(text, id);
    bridge.send({ type: "xmpp.deliver", v: 1, id, xml: text });
    await bridge.waitFor((f) => f.ref === id && f !== first && f.type === "xmpp.outcome");
    assert.equal(first.outcome, "delivered");
    await deliveredAfter(bridge, alice);
    assert.equal(alice.stanzas.filter((s) => s.attrs.id === sid).length, 1);
  });

  check("client message to the SIP component: xmpp.stanza with host and the stamped from", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("out");
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "to SIP")));
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    assert.equal(f.host, SIP);
    assert.equal(f.v, 1);
    const el = parse(String(f.xml));
    assert.equal(el.attrs.from, alice.jid);
    assert.equal(el.attrs.to, `bob@${SIP}`);
    assert.equal(el.getChildText("body"), "to SIP");
    bridge.done(f.id);
  });

  check("client message to a foreign SIP domain: intercepted by route/remote", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("fx");
    await alice.x.send(xml("message", { to: `carol@${FOREIGN[1]}`, type: "chat", id: sid }, xml("body", {}, "foreign")));
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    assert.equal(f.host, VHOST);
    assert.equal(parse(String(f.xml)).attrs.from, alice.jid);
    bridge.done(f.id);
  });

  check("iq and presence to SIP addresses get a deliberate answer", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    // Prosody forwards inbound subscription state changes only to "interested"
    // resources, i.e. those that fetched the roster (RFC 6121 §2.1.6).
    const rid = nextId("roster");
    const roster = waitStanza(alice, (s) => s.is("iq") && s.attrs.id === rid, 5000, "roster");
    await alice.x.send(xml("iq", { type: "get", id: rid }, xml("query", { xmlns: "jabber:iq:roster" })));
    await roster;
    for (const to of [`bob@${SIP}`, `carol@${FOREIGN[0]}`]) {
      const qid = nextId("iq");
      const err = waitStanza(alice, (s) => s.is("iq") && s.attrs.id === qid, 5000, `iq answer from ${to}`);
      await alice.x.send(xml("iq", { type: "get", to, id: qid }, xml("query", { xmlns: "jabber:iq:version" })));
      const e = await err;
      assert.equal(e.attrs.type, "error");
      assert.equal(e.getChild("error")?.attrs.type, "cancel");
      assert.ok(e.getChild("error")?.getChild("service-unavailable"), "service-unavailable");
      const pid = nextId("sub");
      const unsub = waitStanza(alice, (s) => s.is("presence") && s.attrs.type === "unsubscribed" && s.attrs.from === to, 5000, `unsubscribed from ${to}`);
      await alice.x.send(xml("presence", { type: "subscribe", to, id: pid }));
      await unsub;
    }
    await noFrame(bridge, (f) => f.type === "xmpp.stanza" && /<(iq|presence)/.test(String(f.xml)));
  });

  check("malformed frames: garbage MessagePack, unknown type, missing fields -> error frames; Prosody keeps working", async () => {
    const mark = bridge.mark();
    bridge.sendRaw(Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from([0xc1, 0xc1, 0xc1])]));
    const bad = await bridge.waitFor((f) => f.type === "error" && f.code === "bad-frame", 5000, "bad-frame", mark);
    assert.equal(bad.ref, undefined);
    const uid = nextId("u");
    bridge.send({ type: "no.such.type", v: 1, id: uid });
    const unknown = await bridge.waitFor((f) => f.type === "error" && f.ref === uid);
    assert.equal(unknown.code, "unknown-type");
    const mid = nextId("m");
    bridge.send({ type: "xmpp.deliver", v: 1, id: mid });
    const missing = await bridge.waitFor((f) => f.type === "error" && f.ref === mid);
    assert.equal(missing.code, "bad-frame");
    const vid = nextId("v");
    bridge.send({ type: "ping", v: 2, id: vid });
    assert.equal((await bridge.waitFor((f) => f.type === "error" && f.ref === vid)).code, "bad-frame");
    bridge.send({ type: "error", v: 1, id: nextId("e"), code: "x", message: "errors are never answered" });
    const ok = await bridge.deliver(`<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${nextId("ok")}"><body>fine</body></message>`);
    assert.equal(ok.outcome, "delivered");
  });

  check("oversized length prefix: Prosody drops the link, reconnects with a new hello, stays up", async () => {
    const conns = bridge.connections;
    const mark = bridge.mark();
    bridge.sendRaw(Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]));
    await bridge.waitFor((f) => f.type === "hello", 10_000, "new hello", mark);
    assert.ok(bridge.connections > conns);
    assert.equal(prosody.proc.child.exitCode, null, "prosody still running");
    const ok = await bridge.deliver(`<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${nextId("ok")}"><body>after reset</body></message>`);
    assert.equal(ok.outcome, "delivered");
  });

  check("reconnects with backoff after the bridge restarts, and says hello again", async () => {
    const mark = bridge.mark();
    const since = logSize(prosody.logFile);
    await bridge.stop();
    await logged(prosody.logFile, /Reconnecting to the bridge/, 3, since); // a few failed attempts (ENOENT) while it is away
    await bridge.start();
    const hello = await bridge.waitFor((f) => f.type === "hello", 10_000, "hello after restart", mark);
    assert.deepEqual(hello.components, [SIP]);
  });

  check("bridge down: a client message is queued and reaches the bridge once it is back", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    await bridge.stop();
    const sid = nextId("q");
    const since = logSize(prosody.logFile);
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "queued")));
    // Prosody has read it (routing to mod_stox's queue happens in the same step).
    await logged(prosody.logFile, new RegExp(`Received\\[c2s\\]: <message[^\\n]*id='${sid}'`), 1, since);
    const mark = bridge.mark();
    await bridge.start();
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid, 8000, "queued stanza");
    const hello = await bridge.waitFor((g) => g.type === "hello", 100, "hello", mark);
    assert.ok(bridge.frames.indexOf(f) > bridge.frames.indexOf(hello), "hello comes first on the new link");
    bridge.done(f.id);
    await deliveredAfter(bridge, alice);
    assert.ok(!alice.stanzas.some((s) => s.attrs.id === sid && s.attrs.type === "error"), "no bounce");
  });

  check("link lost with a stanza in flight: re-sent after reconnect with the same frame id", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("fl");
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "in flight")));
    const first = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    const mark = bridge.mark();
    await bridge.stop(); // no stanza-done: still in flight
    await bridge.start();
    const again = await bridge.waitFor((f) => f.type === "xmpp.stanza" && f.id === first.id, 8000, "re-sent frame", mark);
    assert.equal(again.xml, first.xml);
    bridge.done(again.id);
  });

  check("bridge refuses an xmpp.stanza with an error frame: the sender gets an error", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("rf");
    const bounced = waitStanza(alice, (s) => s.is("message") && s.attrs.id === sid && s.attrs.type === "error", 5000, "refusal bounce");
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "refuse me")));
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    bridge.send({ type: "error", v: 1, id: nextId("e"), ref: f.id, code: "bad-frame", message: "xml: too long" });
    const e = await bounced;
    assert.equal(e.attrs.from, `bob@${SIP}`);
    assert.ok(e.getChild("error")?.getChild("service-unavailable"));
  });

  check("bridge down longer than stox_queue_timeout: the client gets a wait-type error", async () => {
    const carol = await online("carol", "carol-pw");
    await bridge.stop();
    const sid = nextId("to");
    const bounced = waitStanza(carol, (s) => s.is("message") && s.attrs.id === sid && s.attrs.type === "error",
      (QUEUE_TIMEOUT + 4) * 1000, "timeout bounce");
    const started = Date.now();
    await carol.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "nobody home")));
    const e = await bounced;
    const waited = (Date.now() - started) / 1000;
    assert.ok(waited >= QUEUE_TIMEOUT - 0.5, `bounced after ${waited}s, not before the queue timeout`);
    assert.equal(e.attrs.from, `bob@${SIP}`);
    assert.equal(e.getChild("error")?.attrs.type, "wait");
    assert.ok(e.getChild("error")?.getChild("remote-server-timeout"), "remote-server-timeout");
    const mark = bridge.mark();
    await bridge.start();
    await bridge.waitFor((f) => f.type === "hello", 8000, "hello", mark);
    await noFrame(bridge, (f) => f.type === "xmpp.stanza" && String(f.xml).includes(sid));
  });

  check("xmpp.deliver of an error stanza to an online full JID: delivered, and not mistaken for an outcome", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("err");
    const got = waitStanza(alice, (s) => s.is("message") && s.attrs.id === sid, 5000, "error stanza");
    const answer = await bridge.deliver(`<message from="bob@${SIP}" to="${alice.jid}" id="${sid}" type="error">` +
      `<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`);
    assert.equal(answer.outcome, "delivered");
    assert.ok((await got).getChild("error")?.getChild("item-not-found"));
  });

  check("stanza-done error after the bridge delivered the error stanza: the sender gets exactly that error", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("se");
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "fails in SIP")));
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    const answer = await bridge.deliver(`<message from="bob@${SIP}" to="${alice.jid}" id="${sid}" type="error">` +
      `<error type="cancel"><item-not-found xmlns="urn:ietf:params:xml:ns:xmpp-stanzas"/></error></message>`);
    assert.equal(answer.outcome, "delivered");
    bridge.done(f.id, "error");
    await deliveredAfter(bridge, alice);
    const errors = alice.stanzas.filter((s) => s.attrs.id === sid && s.attrs.type === "error");
    assert.equal(errors.length, 1);
    assert.ok(errors[0]!.getChild("error")?.getChild("item-not-found"));
  });

  check("stanza-done error without an error stanza: Prosody tells the sender itself", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("sn");
    const bounced = waitStanza(alice, (s) => s.is("message") && s.attrs.id === sid && s.attrs.type === "error", 5000, "bounce");
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "no error built")));
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    bridge.done(f.id, "error");
    const e = await bounced;
    assert.equal(e.getChild("error")?.attrs.type, "cancel");
    assert.ok(e.getChild("error")?.getChild("service-unavailable"));
  });

  check("bridge never sends stanza-done: the sender gets a wait error after stox_done_timeout", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("nd");
    const bounced = waitStanza(alice, (s) => s.is("message") && s.attrs.id === sid && s.attrs.type === "error",
      (DONE_TIMEOUT + 3) * 1000, "done-timeout bounce");
    await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "no answer")));
    const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
    const e = await bounced;
    assert.equal(e.getChild("error")?.attrs.type, "wait");
    assert.ok(e.getChild("error")?.getChild("remote-server-timeout"));
    bridge.done(f.id); // too late: ignored, no second answer
    await deliveredAfter(bridge, alice);
    assert.equal(alice.stanzas.filter((s) => s.attrs.id === sid).length, 1);
  });

  check("outbox full (stox_queue_size): the next stanza bounces at once with resource-constraint", async () => {
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    await bridge.stop();
    const ids = Array.from({ length: QUEUE_SIZE + 1 }, () => nextId("qf"));
    const last = ids[QUEUE_SIZE]!;
    const bounced = waitStanza(alice, (s) => s.attrs.id === last && s.attrs.type === "error", 3000, "queue-full bounce");
    for (const id of ids) await alice.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id }, xml("body", {}, "fill")));
    const e = await bounced;
    assert.equal(e.getChild("error")?.attrs.type, "wait");
    assert.ok(e.getChild("error")?.getChild("resource-constraint"));
    const mark = bridge.mark();
    await bridge.start();
    for (const id of ids.slice(0, QUEUE_SIZE)) {
      const f = await bridge.waitFor((g) => g.type === "xmpp.stanza" && parse(String(g.xml)).attrs.id === id, 8000, `queued ${id}`, mark);
      bridge.done(f.id);
    }
    await noFrame(bridge, (g) => g.type === "xmpp.stanza" && String(g.xml).includes(last));
  });

  check("keepalive: an idle link gets pings; unanswered pings make Prosody reconnect", async () => {
    const ping = await bridge.waitFor((f) => f.type === "ping", (READ_TIMEOUT + 3) * 1000, "keepalive ping", bridge.mark());
    assert.equal(ping.v, 1);
    bridge.autoPong = false;
    try {
      const mark = bridge.mark();
      const conns = bridge.connections;
      await bridge.waitFor((f) => f.type === "hello", (3 * READ_TIMEOUT + 4) * 1000, "hello after a dead-peer reset", mark);
      assert.ok(bridge.connections > conns);
    } finally { bridge.autoPong = true; }
  });

  check("module reload: the link comes back with hello and deliveries are still tracked", async () => {
    const mark = bridge.mark();
    prosody.shell("module:reload('stox')");
    const hello = await bridge.waitFor((f) => f.type === "hello", 10_000, "hello after reload", mark);
    assert.deepEqual(hello.components, [SIP]);
    const ok = await bridge.deliver(`<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${nextId("rl")}"><body>after reload</body></message>`);
    assert.equal(ok.outcome, "delivered");
    const alice = users.find((u) => u.jid.startsWith("alice@"))!;
    const sid = nextId("rl");
    await alice.x.send(xml("message", { to: `bob@${FOREIGN[0]}`, type: "chat", id: sid }, xml("body", {}, "after reload")));
    bridge.done((await stanzaFrameFor(bridge, (el) => el.attrs.id === sid)).id);
  });

  check("every frame Prosody sent passes the bridge's schemas", async () => {
    assert.deepEqual(bridge.invalid, []);
    assert.ok(bridge.frames.length > 20);
  });

  check("Prosody logged no Lua error or traceback", async () => {
    const log = fs.readFileSync(prosody.logFile, "utf8");
    const bad = log.split("\n").filter((l) => /\terror\t|traceback/i.test(l));
    assert.deepEqual(bad, []);
    assert.equal(prosody.proc.child.exitCode, null);
  });
});

describe("mod_stox over loopback TCP (stox_tcp) with a shared secret", () => {
  let dir: string;
  let prosody: ProsodyHandle;
  let bridge: FakeBridge;
  let alice: User | undefined;

  before(async () => {
    dir = tempDir("prosody-adapter-tcp");
    const [c2sPort, bridgePort] = [await freePort(), await freePort()];
    bridge = new FakeBridge({ port: bridgePort });
    await bridge.start();
    prosody = await startProsody({
      dir, c2sPort, bridgeSocket: path.join(dir, "unused.sock"), bridgeTcpPort: bridgePort, secret: "s3cret-for-tests",
      vhost: VHOST, sipComponent: SIP, foreignSipDomains: [], users: [{ user: "alice", password: "alice-pw" }],
    });
    alice = await login(c2sPort, "alice", "alice-pw");
  });

  after(async () => {
    await logout(alice);
    await prosody?.stop();
    await bridge?.stop();
  });

  it("says hello with the secret, delivers, and forwards over TCP", async () => {
    try {
      const hello = await bridge.waitFor((f) => f.type === "hello", 10_000, "hello over TCP");
      assert.equal(hello.secret, "s3cret-for-tests");
      assert.deepEqual(hello.sip_domains, []);
      const answer = await bridge.deliver(`<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${nextId("t")}"><body>tcp</body></message>`);
      assert.equal(answer.outcome, "delivered");
      const sid = nextId("tcp");
      await alice!.x.send(xml("message", { to: `bob@${SIP}`, type: "chat", id: sid }, xml("body", {}, "over tcp")));
      const f = await stanzaFrameFor(bridge, (el) => el.attrs.id === sid);
      assert.equal(f.host, SIP);
      bridge.done(f.id);
      // harness restart: same data, new process; the module says hello again
      await logout(alice);
      alice = undefined;
      const mark = bridge.mark();
      await prosody.restart();
      await bridge.waitFor((g) => g.type === "hello", 10_000, "hello after restart", mark);
      const stored = await bridge.deliver(`<message from="romeo@${SIP}/g" to="alice@${VHOST}" id="${nextId("t")}"><body>later</body></message>`);
      assert.equal(stored.outcome, "stored");
      assert.deepEqual(bridge.invalid, []);
    } catch (e) {
      console.error(`---- prosody log tail (${prosody.logFile})\n${prosody.logTail(80)}`);
      throw e;
    }
  });
});
