/**
 * Prints the compatibility table (features × host generations) from the JUnit
 * files scripts/test.sh writes, one per generation and tier:
 *
 *   node dist/test/compat/table.js test-results bookworm trixie
 *
 * reads test-results/<suite>-{integration,e2e}.xml. A cell is ✓ only when every
 * test named for the feature (features.ts) ran on that generation and passed.
 * Exit status 1 when any cell is not ✓.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FEATURES, type Feature } from "./features.js";

export interface TestResult { name: string; passed: boolean }

const ENTITIES: Record<string, string> = { "&lt;": "<", "&gt;": ">", "&amp;": "&", "&quot;": "\"", "&apos;": "'" };
const unescapeXml = (s: string) => s.replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e);

/** The test cases of node's JUnit reporter output: passed = no <failure>/<skipped>. */
export function parseJunit(xml: string): TestResult[] {
  const out: TestResult[] = [];
  const re = /<testcase\s+name="([^"]*)"[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    const body = m[3] ?? "";
    out.push({ name: unescapeXml(m[1] ?? ""), passed: !/<(failure|skipped)\b/.test(body) });
  }
  return out;
}

/** One cell: "✓ n/n", "✗ k/n failed", or "✗ not run" when no test of the feature ran. */
export function cell(feature: Feature, results: readonly TestResult[]): { ok: boolean; text: string } {
  const runs = feature.tests.map((re) => results.filter((r) => re.test(r.name)));
  if (runs.some((matched) => matched.length === 0)) return { ok: false, text: "✗ not run" };
  const all = runs.flat();
  const failed = all.filter((r) => !r.passed).length;
  return failed === 0 ? { ok: true, text: `✓ ${all.length}/${all.length}` } : { ok: false, text: `✗ ${failed}/${all.length} failed` };
}

export function table(features: readonly Feature[], suites: ReadonlyArray<{ suite?: string; label: string; results: readonly TestResult[] }>): { ok: boolean; markdown: string } {
  let ok = true;
  const rows = features.map((f) => {
    const cells = suites.map((s) => {
      const c = cell(f, s.results);
      const gap = s.suite === undefined ? undefined : f.gaps?.[s.suite];
      // A documented gap is shown, not failed; it still must have run.
      return !c.ok && gap !== undefined && c.text !== "✗ not run" ? { ok: true, text: `${c.text} (known gap: ${gap})` } : c;
    });
    if (cells.some((c) => !c.ok)) ok = false;
    return `| ${f.feature} | ${cells.map((c) => c.text).join(" | ")} |`;
  });
  const head = `| feature | ${suites.map((s) => s.label).join(" | ")} |`;
  const rule = `|---|${suites.map(() => "---").join("|")}|`;
  return { ok, markdown: [head, rule, ...rows].join("\n") };
}

const LABELS: Record<string, string> = {
  bookworm: "Debian 12: Kamailio 5.6, Prosody 0.12",
  trixie: "Debian 13: Kamailio 6.0, Prosody 13",
};

function main(dir: string, suites: string[]): number {
  const loaded = suites.map((suite) => ({
    suite, label: LABELS[suite] ?? suite,
    results: ["integration", "e2e"].flatMap((tier) => {
      const file = path.join(dir, `${suite}-${tier}.xml`);
      return fs.existsSync(file) ? parseJunit(fs.readFileSync(file, "utf8")) : [];
    }),
  }));
  const { ok, markdown } = table(FEATURES, loaded);
  process.stdout.write(markdown + "\n");
  return ok ? 0 : 1;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [dir, ...suites] = process.argv.slice(2);
  if (dir === undefined || suites.length === 0) {
    process.stderr.write("usage: node dist/test/compat/table.js RESULTS_DIR SUITE...\n");
    process.exit(2);
  }
  process.exit(main(dir, suites));
}
