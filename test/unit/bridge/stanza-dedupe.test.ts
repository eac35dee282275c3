import { test } from "node:test";
import assert from "node:assert/strict";
import { StanzaDedupe } from "../../../bridge/src/flows/stanza-dedupe.js";

test("a new id is tracked; a repeat while active says active; after finish it says the outcome", () => {
  const d = new StanzaDedupe();
  assert.equal(d.begin("a"), undefined);
  assert.deepEqual(d.begin("a"), { state: "active" });
  d.finish("a", "error");
  assert.deepEqual(d.begin("a"), { state: "done", outcome: "error" });
});

test("bounded: the oldest ids are forgotten first", () => {
  const d = new StanzaDedupe(3);
  for (const id of ["a", "b", "c", "d"]) d.begin(id);
  assert.equal(d.begin("a"), undefined); // forgotten, so new again
  assert.deepEqual(d.begin("d"), { state: "active" });
});
