/**
 * Runs the worked-examples table of docs/addresses.md, so the page and the
 * code cannot drift apart.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { jidToSipUri, sipUriToJid, formatJid, type SipUriContext } from "../../../common/src/address/index.js";
import type { Failure } from "../../../common/src/failure.js";
import type { Result } from "../../../common/src/result.js";

const DOC = new URL("../../../../docs/addresses.md", import.meta.url);

interface Row { id: string; direction: string; input: string; output: string }

function rows(): Row[] {
  const text = readFileSync(DOC, "utf8");
  const table = text.split("<!-- worked-examples:start -->")[1]?.split("<!-- worked-examples:end -->")[0] ?? "";
  return table.split("\n").filter((l) => /^\| [A-Z]\d/.test(l)).map((l) => {
    const [id = "", direction = "", input = "", output = ""] = l.slice(2, -2).split(" | ");
    return { id, direction, input: input.replace(/^`|`$/g, ""), output };
  });
}

function run(row: Row): Result<string, Failure> {
  const [dir = "", ctx = ""] = row.direction.split(" ");
  if (dir === "sip→xmpp") {
    const r = sipUriToJid(row.input, ctx as SipUriContext);
    return r.ok ? { ok: true, value: formatJid(r.value) } : r;
  }
  const scheme = dir === "xmpp→im" ? "im" : dir === "xmpp→pres" ? "pres" : "sip";
  return jidToSipUri(row.input, { scheme });
}

const table = rows();

test("docs/addresses.md has the worked-examples table", () => {
  assert.ok(table.length >= 60, `found ${table.length} rows`);
});

for (const row of table) {
  test(`worked example ${row.id}: ${row.input} → ${row.output}`, () => {
    const got = run(row);
    const err = /^error ([a-z-]+) (\d{3})$/.exec(row.output);
    if (err) {
      assert.equal(got.ok, false, `expected ${row.output}`);
      if (!got.ok) assert.deepEqual([got.error.code, got.error.sip], [err[1], Number(err[2])]);
    } else {
      assert.deepEqual(got, { ok: true, value: row.output.replace(/^`|`$/g, "") });
    }
  });
}
