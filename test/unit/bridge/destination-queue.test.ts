import { test } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { DestinationQueues } from "../../../bridge/src/flows/destination-queue.js";

test("P14 / RFC 3428 §8: the second MESSAGE to a URI starts only after the first finished", async () => {
  const q = new DestinationQueues(10, 100);
  const log: string[] = [];
  const task = (name: string, ms: number) => async () => { log.push(`start ${name}`); await sleep(ms); log.push(`end ${name}`); };
  q.enqueue("sip:romeo@example.net", task("a", 20));
  q.enqueue("sip:romeo@example.net", task("b", 1));
  await sleep(60);
  assert.deepEqual(log, ["start a", "end a", "start b", "end b"]);
});

test("different destinations run concurrently", async () => {
  const q = new DestinationQueues(10, 100);
  const log: string[] = [];
  q.enqueue("sip:a@x", async () => { log.push("a"); await sleep(20); });
  q.enqueue("sip:b@x", async () => { log.push("b"); await sleep(20); });
  await sleep(5);
  assert.deepEqual(log.sort(), ["a", "b"]);
});

test("a full queue refuses instead of growing; space frees up after completion", async () => {
  const q = new DestinationQueues(2, 100);
  const slow = () => sleep(20);
  assert.equal(q.enqueue("k", slow), true);
  assert.equal(q.enqueue("k", slow), true);
  assert.equal(q.enqueue("k", slow), false);
  await sleep(60);
  assert.equal(q.size, 0);
  assert.equal(q.enqueue("k", slow), true);
});

test("a failing task does not stall the queue", async () => {
  const q = new DestinationQueues(5, 100);
  let ran = false;
  q.enqueue("k", async () => { throw new Error("boom"); });
  q.enqueue("k", async () => { ran = true; });
  await sleep(10);
  assert.equal(ran, true);
});
