/**
 * Link health (issue "nothing lost, nothing let in", point 3): a half-open
 * link on either side is detected within seconds and re-established.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { FakeKamailio } from "../support/fake-kamailio.js";
import { FakeProsody } from "../support/fake-prosody.js";
import { startBridge } from "../support/bridge.js";
import { tempDir, type Managed } from "../support/process.js";

const PING_MS = 400;
let kam: FakeKamailio;
let bridge: Managed;
let dir: string;

before(async () => {
  dir = tempDir("health");
  kam = new FakeKamailio();
  await kam.start();
  bridge = await startBridge({ dir, evapiPort: kam.evapiPort, prosodySocket: path.join(dir, "p.sock"), extra: { ping_interval_ms: String(PING_MS) } }, [/"msg":"bridge started"/]);
  await kam.until(() => kam.hellos.length > 0, 5000, "evapi hello");
  // "bridge started" is logged after the Prosody socket is listening.
  assert.ok(fs.existsSync(path.join(dir, "p.sock")), "the Prosody socket exists");
});
after(async () => {
  await bridge?.stop();
  await kam?.stop();
});

test("Prosody link: a peer that stops answering pings is dropped after 3 silent ping intervals", async () => {
  const pro = new FakeProsody(path.join(dir, "p.sock"));
  await pro.connect();
  await pro.until(() => pro.of("hello").length > 0, 5000, "hello");
  pro.answerPings = false;
  const answered = pro.of("ping").length;
  const t0 = Date.now();
  await pro.until(() => pro.closed, 20 * PING_MS, "the bridge to drop the silent link");
  // Counted in pings, not in milliseconds: nothing heard for three intervals means
  // three (or, with the interval the last answer fell into, four) unanswered pings.
  const unanswered = pro.of("ping").length - answered;
  assert.ok(unanswered >= 2 && unanswered <= 4, `${unanswered} unanswered pings before the drop`);
  assert.ok(Date.now() - t0 >= 2 * PING_MS, "not dropped before the silence lasted");
  assert.match(bridge.log(), /"msg":"prosody link silent, dropping it"/);
});

test("Prosody link: a peer that answers pings stays connected", async () => {
  const pro = new FakeProsody(path.join(dir, "p.sock"));
  await pro.connect();
  // Six answered pings: twice the silence after which a peer is dropped.
  await pro.until(() => pro.of("ping").length >= 6 || pro.closed, 30 * PING_MS, "six pings");
  assert.equal(pro.closed, false);
  pro.close();
});

test("Kamailio link: no pong on evapi for an HTTP ping → evapi is re-established within seconds", async () => {
  const connections = kam.connections;
  const pings = () => kam.commands.filter((c) => c.body?.type === "ping").length;
  const before = pings();
  kam.answerPings = false;
  let unanswered = -1;
  await kam.until(() => { if (kam.connections > connections) unanswered = pings() - before; return unanswered >= 0; }, 20 * PING_MS, "an evapi reconnect");
  kam.answerPings = true;
  // One ping without its pong is enough (link-health.ts); counted, not timed.
  assert.equal(unanswered, 1, `${unanswered} unanswered pings before the reconnect`);
  await kam.until(() => kam.hellos.length >= 2, 5000, "hello on the new connection");
  assert.match(bridge.log(), /"msg":"kamailio link silent: no pong, reconnecting evapi"/);
});
