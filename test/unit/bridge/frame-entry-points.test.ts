/**
 * No frame on either link may throw out of its handler (docs/wire.md: unknown
 * or malformed frames are counted and logged and never crash a process).
 * Every entry point gets arbitrary `type` strings with Object.prototype's own
 * property names mixed in ("toString", "__proto__", "constructor"…), and
 * arbitrary other fields — also named after Object.prototype's properties.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { dispatchKamailioEvent, type KamailioHandlers } from "../../../bridge/src/kamailio/event-dispatch.js";
import { ProsodyLink } from "../../../bridge/src/prosody/prosody-link.js";
import { SipSender } from "../../../bridge/src/kamailio/sip-sender.js";
import type { CommandClient } from "../../../bridge/src/kamailio/command-client.js";
import { Metrics } from "../../../bridge/src/runtime/metrics.js";
import { silentLogger } from "../../../bridge/src/runtime/log.js";
import { decodeMsgpack, encodeFrame, LengthPrefixedDecoder } from "../../../common/src/wire/length-prefixed.js";
import { KAMAILIO_FRAMES, PROSODY_FRAMES, type SipSendCommand } from "../../../common/src/wire/frames.js";
import { classifyFrame } from "../../../common/src/wire/frame-table.js";

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype);
const KAMAILIO_TYPES = ["hello", "sip.message", "sip.result", "error", "pong"];
const PROSODY_TYPES = ["hello", "xmpp.outcome", "xmpp.stanza", "resolve", "ping", "pong", "error"];

const name = fc.oneof(fc.constantFrom(...PROTO_NAMES), fc.string({ maxLength: 24 }));
/** Values as JSON or MessagePack carry them, objects keyed by prototype names too. */
const value = fc.letrec((tie) => ({
  leaf: fc.oneof(fc.jsonValue({ maxDepth: 0 }), fc.constantFrom(...PROTO_NAMES)),
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, tie("leaf"), fc.array(tie("node"), { maxLength: 3 }), fc.dictionary(name, tie("node"), { maxKeys: 4 })),
})).node;
const fields = fc.dictionary(name, value, { maxKeys: 6 });
function frames(known: readonly string[]) {
  // mostly text; sometimes a known type (then the other fields decide), sometimes not text at all
  const type = fc.oneof({ weight: 6, arbitrary: name }, { weight: 2, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: value });
  return fc.tuple(type, fields, fc.boolean()).map(([t, f, versioned]) => ({ ...f, ...(versioned ? { v: 1, id: "fuzz" } : {}), type: t }));
}
/** Cases always run first: inherited names, and a type whose toString is not a function. */
const EXAMPLES: [Record<string, unknown>][] = [
  [{ type: "toString", v: 1, id: "e1" }], [{ type: "__proto__", v: 1, id: "e2" }], [{ type: "constructor" }],
  [{ type: "hasOwnProperty", v: 1, id: "e3", ref: "x" }], [{ type: { toString: 1 }, v: 1, id: "e4" }], [{ type: { valueOf: 1, toString: 1 } }],
];

/** What the link itself receives: JSON text parsed again (evapi), so own `__proto__` keys stay data. */
const asJson = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

test("classifyFrame: a type is known only as the table's own key; everything else is unknown-type, never a throw", () => {
  for (const table of [KAMAILIO_FRAMES, PROSODY_FRAMES] as const) {
    fc.assert(fc.property(frames([...table.keys()]), (raw) => {
      const frame = asJson(raw) as { type: unknown };
      const c = classifyFrame(table as ReadonlyMap<string, never>, frame);
      const known = typeof frame.type === "string" && [...table.keys()].some((k) => k === frame.type);
      assert.equal(c.kind === "unknown-type", !known);
    }), { numRuns: 2000, examples: EXAMPLES });
  }
  assert.equal(classifyFrame(KAMAILIO_FRAMES, { type: "toString", v: 1, id: "x" }).kind, "unknown-type");
  assert.equal(classifyFrame(PROSODY_FRAMES, { type: "__proto__", v: 1, id: "x" }).kind, "unknown-type");
  // `type` must be the frame's own field, not an inherited one
  assert.equal(classifyFrame(KAMAILIO_FRAMES, Object.create({ type: "pong", v: 1, id: "x" })).kind, "unknown-type");
});

function frameDelta(m: Metrics, link: string, before: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of m.frames) {
    const d = n - (before.get(k) ?? 0);
    if (d !== 0 && k.startsWith(`${link}:`)) out[k.slice(link.length + 1)] = d;
  }
  return out;
}

test("kamailio evapi dispatcher: any type (Object.prototype names included), any fields — never throws, counted once as unknown, invalid or its type", () => {
  const metrics = new Metrics();
  let handled: string | undefined;
  const record = (t: string) => () => { handled = t; };
  const handlers: KamailioHandlers = { hello: record("hello"), "sip.message": record("sip.message"), "sip.result": record("sip.result"), error: record("error"), pong: record("pong") };
  fc.assert(fc.property(frames(KAMAILIO_TYPES), (raw) => {
    const frame = asJson(raw) as { type: unknown };
    const before = new Map(metrics.frames);
    handled = undefined;
    dispatchKamailioEvent(frame, handlers, metrics, silentLogger);
    const delta = frameDelta(metrics, "kamailio", before);
    assert.equal(Object.keys(delta).length, 1, JSON.stringify(delta));
    const [what] = Object.keys(delta) as [string];
    if (typeof frame.type !== "string" || !KAMAILIO_TYPES.includes(frame.type)) {
      assert.deepEqual(delta, { "unknown-type": 1 });
      assert.equal(handled, undefined);
    } else if (what === "invalid") assert.equal(handled, undefined);
    else assert.equal(handled, frame.type);
  }), { numRuns: 3000, examples: EXAMPLES });
});

// ---- the Prosody link, through its socket's data handler ----
let link: ProsodyLink;
let linkMetrics: Metrics;
let client: net.Socket;
let dir: string;
const received: Record<string, unknown>[] = [];
const stanzas: unknown[] = [];
let wake: (() => void) | undefined;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "stox-entry-"));
  linkMetrics = new Metrics();
  link = new ProsodyLink({
    socketPath: path.join(dir, "p.sock"), socketMode: 0o600, maxFrame: 262144,
    onHello: () => {}, onStanza: (f) => stanzas.push(f), onResolve: () => {},
    log: silentLogger, metrics: linkMetrics, pingIntervalMs: 60_000,
  });
  await link.listen();
  client = net.connect(path.join(dir, "p.sock"));
  await new Promise<void>((r) => client.once("connect", () => r()));
  const decoder = new LengthPrefixedDecoder(1 << 20);
  client.on("data", (chunk) => {
    for (const p of decoder.push(chunk)) received.push(decodeMsgpack(p) as Record<string, unknown>);
    wake?.();
  });
  client.write(encodeFrame({ type: "hello", v: 1, id: "p-hello", role: "prosody", hosts: ["xmpp.example"] }));
  await answered((f) => f.type === "hello" && f.ref === "p-hello");
});

after(async () => {
  client?.destroy();
  await link?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Resolves when a frame matching `pred` has arrived (each arrival re-checks); fails if none comes within 10 s. */
async function answered(pred: (f: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = received.find(pred);
    if (found !== undefined) return found;
    if (client.destroyed) throw new Error("the bridge closed the Prosody link");
    const left = deadline - Date.now();
    if (left <= 0) throw new Error("the Prosody link stopped answering");
    await new Promise<void>((r) => { const t = setTimeout(r, left); wake = () => { clearTimeout(t); r(); }; });
  }
}

function hasProtoKey(v: unknown): boolean {
  if (typeof v !== "object" || v === null) return false;
  return Object.keys(v).some((k) => k === "__proto__" || hasProtoKey((v as Record<string, unknown>)[k]));
}

let sentinel = 0;
test("prosody link: any type (Object.prototype names included), any fields — never throws, counted once, unknown types refused with unknown-type, link stays up", async () => {
  await fc.assert(fc.asyncProperty(frames(PROSODY_TYPES), async (frame) => {
    received.length = 0;
    const before = new Map(linkMetrics.frames);
    const probe = `sentinel-${++sentinel}`;
    client.write(encodeFrame(frame));
    client.write(encodeFrame({ type: "ping", v: 1, id: probe }));
    await answered((f) => f.type === "pong" && f.ref === probe);
    const delta = frameDelta(linkMetrics, "prosody", before);
    // the sentinel is one `ping`; what is left is the fuzz frame, counted exactly once
    if (--delta.ping! === 0) delete delta.ping;
    assert.deepEqual(Object.values(delta), [1], JSON.stringify(delta));
    if (typeof frame.type !== "string" || !PROSODY_TYPES.includes(frame.type)) {
      // MessagePack's decoder refuses a `__proto__` key outright; anything else is an unknown type
      const proto = hasProtoKey(frame);
      assert.deepEqual(delta, proto ? { undecodable: 1 } : { "unknown-type": 1 });
      assert.equal(received.find((f) => f.type === "error")?.code, proto ? "bad-frame" : "unknown-type");
    }
  }), { numRuns: 400, examples: EXAMPLES });
});

test("sip sender: any HTTP answer body to a sip.send (prototype-named keys, objects as code) — never throws, one refusal with a SIP code", async () => {
  const cmd = (n: number): SipSendCommand => ({ type: "sip.send", v: 1, id: `s-${n}`, ruri: "sip:a@b", from: "sip:x@y", to: "sip:a@b", callid: `c${n}`, body: "hi", ctype: "text/plain", lookup: true });
  let n = 0;
  const status = fc.constantFrom(200, 400, 403, 404, 413, 480, 500, 503);
  const body = fc.oneof(value, fc.tuple(fields, value).map(([f, code]) => ({ ...f, code })));
  await fc.assert(fc.asyncProperty(status, body, async (s, b) => {
    const answerBody = asJson({ ...(typeof b === "object" && b !== null && !Array.isArray(b) ? b : { value: b }), ...(s === 200 ? { ok: false } : {}) });
    const stub = { post: () => Promise.resolve({ status: s, body: answerBody }) } as unknown as CommandClient;
    const sender = new SipSender(stub, 2000);
    const r = await sender.send(cmd(++n));
    assert.equal(r.timedOut, false, JSON.stringify(answerBody));
    assert.ok(Number.isInteger(r.code) && r.code >= 300 && r.code <= 699, `code ${r.code}`);
  }), { numRuns: 500 });
});
