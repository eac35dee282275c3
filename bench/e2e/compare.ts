/**
 * Two benchmark runs side by side (e.g. Debian 12's hosts and Debian 13's):
 *
 *   node dist/bench/e2e/compare.js bench/results/A.json bench/results/B.json
 *
 * One row per path: max sustained rate and p50/p99 at half load of each run.
 */
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import type { PathResult } from "./run.js";

export interface RunLike {
  readonly mode: string;
  readonly date: string;
  readonly machine: { kamailio: string; prosody: string; hosts?: string };
  readonly paths: PathResult[];
}

const f = (x: number | undefined, d = 2) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));
const TITLE: Record<number, string> = { 1: "1 SIP ceiling", 2: "2 XMPP ceiling", 3: "3 SIP→XMPP via stox", 4: "4 XMPP→SIP via stox" };

function half(p: PathResult | undefined): string {
  const h = p?.half;
  return h === undefined ? "–" : `${f(h.e2e.p50)} / ${f(h.e2e.p99)} @ ${h.offered}/s`;
}

export function compareMarkdown(a: RunLike, b: RunLike): string {
  const name = (r: RunLike) => `Kamailio ${r.machine.kamailio} / Prosody ${r.machine.prosody}`;
  const ids = [...new Set([...a.paths, ...b.paths].map((p) => p.id))].sort();
  const lines = [
    `${a.mode} runs: ${a.date.slice(0, 16)} (A) and ${b.date.slice(0, 16)} (B), same machine and load generators.`,
    "",
    `| path | max msg/s A: ${name(a)} | max msg/s B: ${name(b)} | p50 / p99 e2e ms at half load, A | same, B |`,
    "|---|---:|---:|---|---|",
  ];
  for (const id of ids) {
    const pa = a.paths.find((p) => p.id === id);
    const pb = b.paths.find((p) => p.id === id);
    lines.push(`| ${TITLE[id] ?? id} | ${pa?.maxRate ?? "–"} | ${pb?.maxRate ?? "–"} | ${half(pa)} | ${half(pb)} |`);
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [fa, fb] = process.argv.slice(2);
  if (fa === undefined || fb === undefined) {
    process.stderr.write("usage: node dist/bench/e2e/compare.js A.json B.json\n");
    process.exit(2);
  }
  const read = (file: string) => JSON.parse(fs.readFileSync(file, "utf8")) as RunLike;
  process.stdout.write(compareMarkdown(read(fa), read(fb)) + "\n");
}
