import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";

// The tests read the in-repo spec/vectors.json (CI clones only the project).
const copy = new URL("../../../spec/vectors.json", import.meta.url);

test("spec/vectors.json is present and parses", () => {
  const v = JSON.parse(fs.readFileSync(copy, "utf8"));
  assert.ok(Array.isArray(v.addr_sip_to_xmpp) && v.addr_sip_to_xmpp.length > 0);
});
