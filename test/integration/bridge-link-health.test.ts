/**
 * Link health (issue "nothing lost, nothing let in", point 3): a half-open
 * link on either side is detected within seconds and re-established.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
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
  for (let i = 0; i < 100 && !fs.existsSync(path.join(dir, "p.sock")); i++) await sleep(50);
});
after(async () => {
  await bridge?.stop();
  await kam?.stop();
});

test("Prosody link: a peer that stops answering pings is dropped within 3 ping intervals", async () => {
  const pro = new FakeProsody(path.join(dir, "p.sock"));
  await pro.connect();
  await pro.until(() => pro.of("hello").length > 0, 5000, "hello");
  pro.answerPings = false;
  const t0 = Date.now();
  await pro.until(() => pro.closed, 10 * PING_MS, "the bridge to drop the silent link");
  const took = Date.now() - t0;
  assert.ok(took <= 5 * PING_MS, `dropped after ${took} ms`);
  assert.match(bridge.log(), /"msg":"prosody link silent, dropping it"/);
});

test("Prosody link: a peer that answers pings stays connected", async () => {
  const pro = new FakeProsody(path.join(dir, "p.sock"));
  await pro.connect();
  await sleep(6 * PING_MS);
  assert.equal(pro.closed, false);
  assert.ok(pro.of("ping").length >= 3, `pings seen: ${pro.of("ping").length}`);
  pro.close();
});

test("Kamailio link: no pong on evapi for an HTTP ping → evapi is re-established within seconds", async () => {
  const connections = kam.connections;
  kam.answerPings = false;
  const t0 = Date.now();
  await kam.until(() => kam.connections > connections, 10 * PING_MS, "an evapi reconnect");
  const took = Date.now() - t0;
  kam.answerPings = true;
  assert.ok(took <= 5 * PING_MS, `reconnected after ${took} ms`);
  await kam.until(() => kam.hellos.length >= 2, 5000, "hello on the new connection");
  assert.match(bridge.log(), /"msg":"kamailio link silent: no pong, reconnecting evapi"/);
});
