import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";

// The shared vectors live beside the project (../shared/spec); CI clones only
// the project, so the tests read the in-repo copy spec/vectors.json. Where the
// shared original is present, the copy must not have drifted from it.
const copy = new URL("../../../spec/vectors.json", import.meta.url);
const shared = new URL("../../../../shared/spec/vectors.json", import.meta.url);

test("spec/vectors.json is present and parses", () => {
  const v = JSON.parse(fs.readFileSync(copy, "utf8"));
  assert.ok(Array.isArray(v.addr_sip_to_xmpp) && v.addr_sip_to_xmpp.length > 0);
});

test("the in-repo copy equals ../shared/spec/vectors.json when that exists", { skip: !fs.existsSync(shared) && "no ../shared beside this checkout" }, () => {
  assert.deepEqual(JSON.parse(fs.readFileSync(copy, "utf8")), JSON.parse(fs.readFileSync(shared, "utf8")));
});
