import { test } from "node:test";
import assert from "node:assert/strict";
import { cell, parseJunit, table } from "../../compat/table.js";

const JUNIT = `<?xml version="1.0" encoding="utf-8"?>
<testsuites>
	<testcase name="a &lt;b&gt; &amp; c" time="0.001" classname="test"/>
	<testcase name="fails" time="0.1" classname="test" failure="x">
		<failure type="testCodeFailure" message="x">boom</failure>
	</testcase>
	<testsuite name="group">
		<testcase name="inner" time="0.1" classname="test">
		</testcase>
		<testcase name="skipped one" time="0" classname="test">
			<skipped type="skipped" message="todo"/>
		</testcase>
	</testsuite>
</testsuites>`;

test("parseJunit: names unescaped; a failure or a skip is not a pass", () => {
  assert.deepEqual(parseJunit(JUNIT), [
    { name: "a <b> & c", passed: true },
    { name: "fails", passed: false },
    { name: "inner", passed: true },
    { name: "skipped one", passed: false },
  ]);
});

test("cell: ✓ only when every named test ran and passed", () => {
  const results = parseJunit(JUNIT);
  assert.deepEqual(cell({ feature: "f", tests: [/^a /, /^inner$/] }, results), { ok: true, text: "✓ 2/2" });
  assert.deepEqual(cell({ feature: "f", tests: [/^a /, /^fails$/] }, results), { ok: false, text: "✗ 1/2 failed" });
  assert.deepEqual(cell({ feature: "f", tests: [/^a /, /^missing$/] }, results), { ok: false, text: "✗ not run" });
  assert.deepEqual(cell({ feature: "f", tests: [/^skipped/] }, results), { ok: false, text: "✗ 1/1 failed" });
});

test("table: one column per generation; not ok when any cell is not ✓", () => {
  const features = [{ feature: "x", tests: [/^inner$/] }];
  const good = table(features, [{ label: "A", results: parseJunit(JUNIT) }, { label: "B", results: [{ name: "inner", passed: true }] }]);
  assert.equal(good.ok, true);
  assert.equal(good.markdown, "| feature | A | B |\n|---|---|---|\n| x | ✓ 1/1 | ✓ 1/1 |");
  const bad = table(features, [{ label: "A", results: [] }]);
  assert.equal(bad.ok, false);
  assert.match(bad.markdown, /\| x \| ✗ not run \|/);
});

test("table: a documented gap on one generation is shown, not failed; elsewhere, or when it did not run, it still fails", () => {
  const features = [{ feature: "x", tests: [/^fails$/], gaps: { old: "docs/x.md" } }];
  const results = parseJunit(JUNIT);
  const gap = table(features, [{ suite: "old", label: "Old", results }]);
  assert.equal(gap.ok, true);
  assert.match(gap.markdown, /\| x \| ✗ 1\/1 failed \(known gap: docs\/x\.md\) \|/);
  assert.equal(table(features, [{ suite: "new", label: "New", results }]).ok, false);
  assert.equal(table(features, [{ suite: "old", label: "Old", results: [] }]).ok, false);
});

test("every test the compatibility table names exists: each pattern matches a test title in test/integration or test/e2e", async () => {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const { FEATURES } = await import("../../compat/features.js");
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../../../test");
  const titles = ["integration", "e2e"].flatMap((tier) => fs.readdirSync(path.join(root, tier)).filter((f) => f.endsWith(".test.ts"))
    .flatMap((f) => [...fs.readFileSync(path.join(root, tier, f), "utf8").matchAll(/\b(?:test|kt)\(\s*(["'`])((?:\\.|(?!\1).)*)\1/g)].map((m) => m[2]!.replace(/\\(.)/g, "$1"))));
  assert.ok(titles.length > 50, `only ${titles.length} titles found`);
  for (const f of FEATURES) {
    for (const re of f.tests) assert.ok(titles.some((t) => re.test(t)), `${f.feature}: no test title matches ${re}`);
  }
});
