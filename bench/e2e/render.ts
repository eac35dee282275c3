/**
 * Re-renders a result file's chart and tables (after a change to the
 * renderers, or to look at an older run):
 *   node dist/bench/e2e/render.js bench/results/<run>.json   → <run>.svg, <run>.md
 */
import fs from "node:fs";
import { renderSvg } from "./report-svg.js";
import { renderMarkdown, type ReportLike } from "./report-md.js";

const file = process.argv[2];
if (file === undefined || !file.endsWith(".json")) {
  process.stderr.write("usage: render RESULT.json\n");
  process.exitCode = 2;
} else {
  const report = JSON.parse(fs.readFileSync(file, "utf8")) as ReportLike;
  const base = file.slice(0, -5);
  fs.writeFileSync(`${base}.svg`, renderSvg(report));
  fs.writeFileSync(`${base}.md`, renderMarkdown(report));
  process.stdout.write(`wrote ${base}.svg and ${base}.md\n`);
}
