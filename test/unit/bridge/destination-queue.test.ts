import { test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate as turn } from "node:timers/promises";
import { DestinationQueues } from "../../../bridge/src/flows/destination-queue.js";

/** A promise the test settles itself: tasks end when the test says so, not after a delay. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => { open = r; });
  return { promise, open };
}

test("P14 / RFC 3428 §8: the second MESSAGE to a URI starts only after the first finished", { timeout: 5000 }, async () => {
  const q = new DestinationQueues(10, 100);
  const log: string[] = [];
  const a = gate();
  const bDone = gate();
  q.enqueue("sip:romeo@example.net", async () => { log.push("start a"); await a.promise; log.push("end a"); });
  q.enqueue("sip:romeo@example.net", async () => { log.push("start b"); log.push("end b"); bDone.open(); });
  await turn(); // every callback already due has run: b would have started by now
  assert.deepEqual(log, ["start a"]);
  a.open();
  await bDone.promise;
  assert.deepEqual(log, ["start a", "end a", "start b", "end b"]);
});

test("different destinations run concurrently", { timeout: 5000 }, async () => {
  const q = new DestinationQueues(10, 100);
  const log: string[] = [];
  const hold = gate();
  const bothStarted = gate();
  const task = (name: string) => async () => { log.push(name); if (log.length === 2) bothStarted.open(); await hold.promise; };
  q.enqueue("sip:a@x", task("a"));
  q.enqueue("sip:b@x", task("b"));
  await bothStarted.promise; // neither has finished: they run side by side
  assert.deepEqual(log.sort(), ["a", "b"]);
  hold.open();
});

test("a full queue refuses instead of growing; space frees up after completion", { timeout: 5000 }, async () => {
  const q = new DestinationQueues(2, 100);
  const hold = gate();
  const second = gate();
  assert.equal(q.enqueue("k", () => hold.promise), true);
  assert.equal(q.enqueue("k", async () => { second.open(); }), true);
  assert.equal(q.enqueue("k", () => hold.promise), false);
  hold.open();
  await second.promise;
  await turn(); // the queue's own bookkeeping after the last task
  assert.equal(q.size, 0);
  assert.equal(q.enqueue("k", async () => {}), true);
});

test("a failing task does not stall the queue", { timeout: 5000 }, async () => {
  const q = new DestinationQueues(5, 100);
  const ran = gate();
  q.enqueue("k", async () => { throw new Error("boom"); });
  q.enqueue("k", async () => { ran.open(); });
  await ran.promise; // a stalled queue fails the test by its timeout
});
