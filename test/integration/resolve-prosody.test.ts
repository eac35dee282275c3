/**
 * stox_resolve.lib.lua in a real Prosody (the example prosody.cfg.lua) driven
 * by a fake bridge on the real link: held stanzas and one `resolve` per domain,
 * the verdict cache, bounces, and every way back to s2s (no answer, an error
 * frame, a bad verdict, no link). Prosody's own DNS finds nothing (loopback
 * resolver, empty hosts file), so a stanza left to s2s comes back as an s2s
 * error: its text tells it apart from mod_stox's own bounce.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { EventEmitter, once } from "node:events";
import { xml } from "@xmpp/client";
import type { Element } from "@xmpp/xml";
import { decodeMsgpack, encodeFrame, LengthPrefixedDecoder } from "../../common/src/wire/length-prefixed.js";
import { parseFrame, prosodyFrame } from "../../common/src/wire/frames.js";
import { startProsody, type ProsodyHandle } from "../support/prosody.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { freePort } from "../support/ports.js";
import { tempDir } from "../support/process.js";

const VHOST = "xmpp.stox.test";
let prosody: ProsodyHandle;
let alice: TestClient;
let socketPath: string;

/** The bridge's end of the link: answers hello and ping, records frames, sends what a test asks. */
class Bridge {
  readonly frames: any[] = [];
  private readonly arrivals = new EventEmitter();
  readonly invalid: string[] = [];
  private server!: net.Server;
  private sock: net.Socket | undefined;
  async listen(): Promise<void> {
    fs.rmSync(socketPath, { force: true });
    this.server = net.createServer((s) => {
      this.sock = s;
      const dec = new LengthPrefixedDecoder(1 << 20);
      s.on("error", () => {});
      s.on("data", (c) => {
        for (const p of dec.push(c)) {
          const f = decodeMsgpack(p) as any;
          const checked = parseFrame(prosodyFrame, f);
          if (!checked.ok) this.invalid.push(`${f.type}: ${checked.problem.path} ${checked.problem.message}`);
          this.frames.push(f);
          this.arrivals.emit("frame");
          if (f.type === "hello") this.send({ type: "hello", v: 1, id: `bh-${f.id}`, ref: f.id, role: "bridge", version: "fake" });
          if (f.type === "ping") this.send({ type: "pong", v: 1, id: `bp-${f.id}`, ref: f.id });
          if (f.type === "xmpp.stanza") this.send({ type: "xmpp.stanza-done", v: 1, id: `d-${f.id}`, ref: f.id, outcome: "sent" });
        }
      });
    });
    await new Promise<void>((resolve) => this.server.listen(socketPath, resolve));
  }
  send(frame: Record<string, unknown>): void { this.sock?.write(encodeFrame(frame)); }
  of(type: string, domain?: string): any[] { return this.frames.filter((f) => f.type === type && (domain === undefined || f.domain === domain || (typeof f.xml === "string" && f.xml.includes(`@${domain}'`)))); }
  async until(pred: () => boolean, ms = 5000, what = "condition"): Promise<void> {
    const signal = AbortSignal.timeout(ms);
    while (!pred()) {
      try { await once(this.arrivals, "frame", { signal }); } catch {
        throw new Error(`fake bridge: timeout waiting for ${what}; frames ${JSON.stringify(this.frames.slice(-4))}`);
      }
    }
  }
  async close(): Promise<void> {
    this.sock?.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

let bridge: Bridge;

before(async () => {
  const dir = tempDir("resolve-prosody");
  socketPath = path.join(dir, "bridge.sock");
  bridge = new Bridge();
  await bridge.listen();
  const c2sPort = await freePort();
  prosody = await startProsody({
    dir: path.join(dir, "prosody"), c2sPort, bridgeSocket: socketPath, vhost: VHOST, sipComponent: "sip.stox.test",
    foreignSipDomains: ["sip.example.org"], users: [{ user: "alice", password: "alice-pw" }], reconnectMax: 1,
  });
  await bridge.until(() => bridge.of("hello").length > 0, 10000, "hello");
  alice = await connectClient({ port: c2sPort, domain: VHOST, username: "alice", password: "alice-pw" });
});

after(async () => {
  await alice?.stop();
  await prosody?.stop();
  await bridge?.close();
});

let n = 0;
function send(to: string, type: "chat" | "error" = "chat"): string {
  const id = `r${++n}`;
  void alice.send(xml("message", { to, id, type }, xml("body", {}, `text ${id}`)));
  return id;
}
/**
 * A stanza to a fresh unknown domain, sent after the ones before it on
 * alice's stream: once its resolve frame is here, Prosody has routed every
 * earlier stanza (one c2s stream, one bridge link, both in order).
 */
async function barrier(): Promise<void> {
  const domain = `barrier-${++n}.test`;
  send(`x@${domain}`);
  await bridge.until(() => bridge.of("resolve", domain).length > 0, 5000, `resolve for ${domain}`);
  bridge.send({ type: "resolved", v: 1, id: `b-${n}`, ref: bridge.of("resolve", domain)[0].id, domain, verdict: "sip", ttl: 0 });
}
const errorFor = (id: string, ms = 8000) => alice.waitFor((s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id, ms, `error for ${id}`);
const condition = (e: Element) => {
  const err = e.getChild("error");
  const cond = err?.children.find((c) => typeof c !== "string" && (c as Element).name !== "text") as Element | undefined;
  return { type: err?.attrs.type, condition: cond?.name, text: err?.getChildText("text") ?? "" };
};

test("three stanzas to an unknown domain: one resolve frame; 'sip' forwards all three to the bridge and is cached", async () => {
  const ids = [send("bob@new-sip.test"), send("carol@new-sip.test"), send("dave@new-sip.test")];
  await bridge.until(() => bridge.of("resolve", "new-sip.test").length > 0, 5000, "resolve");
  await barrier();
  assert.equal(bridge.of("resolve", "new-sip.test").length, 1);
  assert.equal(bridge.of("xmpp.stanza", "new-sip.test").length, 0, "held while asking");
  const req = bridge.of("resolve", "new-sip.test")[0];
  bridge.send({ type: "resolved", v: 1, id: "a1", ref: req.id, domain: "new-sip.test", verdict: "sip", ttl: 60 });
  await bridge.until(() => bridge.of("xmpp.stanza", "new-sip.test").length === 3, 5000, "three xmpp.stanza");
  for (const id of ids) assert.ok(bridge.of("xmpp.stanza").some((f) => f.xml.includes(`id='${id}'`)), id);
  assert.equal(bridge.of("xmpp.stanza", "new-sip.test")[0].host, VHOST);
  send("erin@new-sip.test");
  await bridge.until(() => bridge.of("xmpp.stanza", "new-sip.test").length === 4, 5000, "the cached one");
  assert.equal(bridge.of("resolve", "new-sip.test").length, 1, "answered from the cache");
  assert.deepEqual(bridge.invalid, []);
});

test("'none' bounces <remote-server-not-found/> (cancel), and is cached", async () => {
  const id = send("x@void.test");
  await bridge.until(() => bridge.of("resolve", "void.test").length > 0);
  bridge.send({ type: "resolved", v: 1, id: "a2", ref: bridge.of("resolve", "void.test")[0].id, domain: "void.test", verdict: "none", ttl: 60 });
  assert.deepEqual(condition(await errorFor(id)), { type: "cancel", condition: "remote-server-not-found", text: "The domain serves neither XMPP nor SIP" });
  const again = send("y@void.test");
  assert.equal(condition(await errorFor(again)).condition, "remote-server-not-found");
  assert.equal(bridge.of("resolve", "void.test").length, 1);
});

test("'none' with timeout bounces <remote-server-timeout/> (wait) and, with ttl 0, is not cached", async () => {
  const id = send("x@slow.test");
  await bridge.until(() => bridge.of("resolve", "slow.test").length > 0);
  bridge.send({ type: "resolved", v: 1, id: "a3", ref: bridge.of("resolve", "slow.test")[0].id, domain: "slow.test", verdict: "none", ttl: 0, timeout: true });
  assert.deepEqual(condition(await errorFor(id)).condition, "remote-server-timeout");
  assert.equal(condition(await errorFor(id)).type, "wait");
  send("y@slow.test");
  await bridge.until(() => bridge.of("resolve", "slow.test").length === 2, 5000, "asked again");
  bridge.send({ type: "resolved", v: 1, id: "a3b", ref: bridge.of("resolve", "slow.test")[1].id, domain: "slow.test", verdict: "none", ttl: 0, timeout: true });
});

const isS2sError = (e: Element) => { const c = condition(e); return c.condition === "remote-server-not-found" && c.text !== "The domain serves neither XMPP nor SIP"; };

test("'xmpp' hands the held stanza to s2s (here s2s fails: the error comes from Prosody's s2s, not from stox)", async () => {
  const id = send("x@xmpp-elsewhere.test");
  await bridge.until(() => bridge.of("resolve", "xmpp-elsewhere.test").length > 0);
  bridge.send({ type: "resolved", v: 1, id: "a4", ref: bridge.of("resolve", "xmpp-elsewhere.test")[0].id, domain: "xmpp-elsewhere.test", verdict: "xmpp", ttl: 60 });
  assert.ok(isS2sError(await errorFor(id, 15000)));
  assert.equal(bridge.of("xmpp.stanza", "xmpp-elsewhere.test").length, 0);
});

test("an error frame answering the resolve, or a verdict that is not sip/xmpp/none → s2s (and the bad verdict is refused)", async () => {
  const a = send("x@refused.test");
  await bridge.until(() => bridge.of("resolve", "refused.test").length > 0);
  bridge.send({ type: "error", v: 1, id: "e1", ref: bridge.of("resolve", "refused.test")[0].id, code: "internal-error", message: "no" });
  assert.ok(isS2sError(await errorFor(a, 15000)));
  const b = send("x@weird.test");
  await bridge.until(() => bridge.of("resolve", "weird.test").length > 0);
  bridge.send({ type: "resolved", v: 1, id: "bad-verdict", ref: bridge.of("resolve", "weird.test")[0].id, domain: "weird.test", verdict: "maybe", ttl: 60 });
  assert.ok(isS2sError(await errorFor(b, 15000)));
  await bridge.until(() => bridge.frames.some((f) => f.type === "error" && f.ref === "bad-verdict"), 5000, "error frame for the bad verdict");
});

test("no answer within stox_resolve_timeout (5 s) → s2s", async () => {
  const id = send("x@silent.test");
  await bridge.until(() => bridge.of("resolve", "silent.test").length > 0);
  const started = Date.now();
  assert.ok(isS2sError(await errorFor(id, 20000)));
  assert.ok(Date.now() - started >= 4000, `released after ${Date.now() - started} ms`);
});

test("error stanzas to unknown domains are never held", async () => {
  send("x@errors.test", "error");
  await barrier();
  assert.equal(bridge.of("resolve", "errors.test").length, 0);
});

test("no link to the bridge: unknown domains go straight to s2s; held stanzas are released when the link drops", async () => {
  const held = send("x@dropped.test");
  await bridge.until(() => bridge.of("resolve", "dropped.test").length > 0);
  await bridge.close();
  assert.ok(isS2sError(await errorFor(held, 15000)));
  const direct = send("x@nolink.test");
  assert.ok(isS2sError(await errorFor(direct, 15000)));
  assert.equal(bridge.of("resolve", "nolink.test").length, 0);
  await bridge.listen(); // after() closes it again
});
