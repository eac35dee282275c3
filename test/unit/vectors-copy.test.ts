import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";

// spec/vectors.json is the shared vector set every address, error and message
// test reads; a missing or empty file must fail, never skip.
const copy = new URL("../../../spec/vectors.json", import.meta.url);

test("spec/vectors.json is present and parses", () => {
  const v = JSON.parse(fs.readFileSync(copy, "utf8"));
  assert.ok(Array.isArray(v.addr_sip_to_xmpp) && v.addr_sip_to_xmpp.length > 0);
});
