/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof) of the bridge: where the
 * time went, by area (our code, dependencies, Node internals, GC, idle) and
 * by function, self and inclusive.
 *
 *   node dist/bench/e2e/cpuprofile-top.js PROFILE.cpuprofile [--top=25]
 */
import fs from "node:fs";

interface Frame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: Frame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

export interface Summary {
  readonly totalMs: number;
  readonly busyMs: number;
  readonly areas: { area: string; ms: number; pctBusy: number }[];
  readonly self: { fn: string; ms: number; pctBusy: number }[];
  readonly inclusive: { fn: string; ms: number; pctBusy: number }[];
}

function area(f: Frame): string {
  const u = f.url;
  if (f.functionName === "(idle)") return "idle";
  if (f.functionName === "(garbage collector)") return "GC";
  if (f.functionName === "(program)") return "V8/native (program)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u);
  if (m) return `dep ${m[1]}`;
  const ours = /dist\/(bridge\/src|common\/src)\/(.*?)\.js$/.exec(u);
  if (ours) return `stox ${ours[1]!.split("/")[0]}/${ours[2]!.split("/")[0]}`;
  if (u.startsWith("node:")) return `node ${u.slice(5).replace(/^internal\//, "").split("/")[0]}`;
  if (u === "") return "native";
  return "other";
}

function key(f: Frame): string {
  const file = f.url.replace(/^.*\/dist\//, "").replace(/^.*node_modules\//, "");
  return `${f.functionName || "(anonymous)"} ${file}${file ? `:${f.lineNumber + 1}` : ""}`;
}

export function summarize(p: Profile, top = 25): Summary {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  for (let i = 0; i < p.samples.length; i++) selfUs.set(p.samples[i]!, (selfUs.get(p.samples[i]!) ?? 0) + (p.timeDeltas[i] ?? 0));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const totalUs = p.endTime - p.startTime;
  let idleUs = 0;
  const areas = new Map<string, number>();
  const selfFn = new Map<string, number>();
  const inclFn = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const n = byId.get(id)!;
    const a = area(n.callFrame);
    if (a === "idle") { idleUs += us; continue; }
    areas.set(a, (areas.get(a) ?? 0) + us);
    const k = key(n.callFrame);
    selfFn.set(k, (selfFn.get(k) ?? 0) + us);
    // inclusive: every distinct function on the stack gets the sample once
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const ck = key(byId.get(cur)!.callFrame);
      if (seen.has(ck)) continue;
      seen.add(ck);
      inclFn.set(ck, (inclFn.get(ck) ?? 0) + us);
    }
  }
  const busyUs = totalUs - idleUs;
  const list = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  const pct = (us: number) => Math.round((us / busyUs) * 1000) / 10;
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(totalUs), busyMs: ms(busyUs),
    areas: list(areas).map(([a, us]) => ({ area: a, ms: ms(us), pctBusy: pct(us) })),
    self: list(selfFn).slice(0, top).map(([fn, us]) => ({ fn, ms: ms(us), pctBusy: pct(us) })),
    inclusive: list(inclFn).filter(([fn]) => !fn.startsWith("(root)")).slice(0, top).map(([fn, us]) => ({ fn, ms: ms(us), pctBusy: pct(us) })),
  };
}

function main(): void {
  const file = process.argv[2];
  if (file === undefined) { process.stderr.write("usage: cpuprofile-top PROFILE.cpuprofile [--top=N]\n"); process.exitCode = 2; return; }
  const top = Number(process.argv.find((a) => a.startsWith("--top="))?.slice(6) ?? 25);
  const s = summarize(JSON.parse(fs.readFileSync(file, "utf8")) as Profile, top);
  const out: string[] = [`profile ${file}: ${s.totalMs} ms, busy ${s.busyMs} ms (${Math.round((s.busyMs / s.totalMs) * 100)} %)`, "", "by area (self, % of busy):"];
  for (const a of s.areas) out.push(`  ${a.pctBusy.toFixed(1).padStart(5)} %  ${a.ms.toFixed(0).padStart(7)} ms  ${a.area}`);
  out.push("", "top functions, self:");
  for (const f of s.self) out.push(`  ${f.pctBusy.toFixed(1).padStart(5)} %  ${f.ms.toFixed(0).padStart(7)} ms  ${f.fn}`);
  out.push("", "top functions, inclusive:");
  for (const f of s.inclusive) out.push(`  ${f.pctBusy.toFixed(1).padStart(5)} %  ${f.ms.toFixed(0).padStart(7)} ms  ${f.fn}`);
  process.stdout.write(out.join("\n") + "\n");
}

if (process.argv[1]?.endsWith("cpuprofile-top.js")) main();
