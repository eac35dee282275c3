/** The benchmark result as Markdown tables (printed, saved next to the JSON, pasted into the README). */
import type { PathResult, StepResult } from "./run.js";

export interface ReportLike {
  readonly mode: string;
  readonly date: string;
  readonly durationSeconds: number;
  readonly machine: { cpus: number; cpuModel: string; memGiB: number; os: string; debian: string; node: string; kamailio: string; prosody: string; sipp: string; hosts?: string };
  readonly paths: PathResult[];
  readonly bridge: { socketsBeforeLoad: number; socketsAtRest: number; socketsPeak: number; socketsAfter: number; peakRssMb: number; peakRssOverloadMb: number; vmHwmMb: number };
  readonly goals: {
    ratio: { path: number; value: number | null; met: boolean }[];
    addedP99: { path: number; valueMs: number | null; met: boolean }[];
    bridgeRss: { valueMb: number; met: boolean };
    bridgeSockets: { atRest: number; peak: number; after: number; met: boolean };
  };
}

const f = (x: number | undefined, d = 1) => (x === undefined || !Number.isFinite(x) ? "–" : x.toFixed(d));
const SHORT: Record<number, string> = { 1: "1 SIP ceiling (sipp→Kamailio→sipp)", 2: "2 XMPP ceiling (clients→Prosody→clients)", 3: "3 SIP→XMPP via stox", 4: "4 XMPP→SIP via stox", 5: "5 XMPP→SIP via stox, 2 contacts per AOR" };
const GEN: Record<number, string[]> = { 1: ["sipp-uac", "sipp-uas"], 2: ["xmpp-clients"], 3: ["sipp-uac", "xmpp-clients"], 4: ["xmpp-clients", "sip-uas"], 5: ["xmpp-clients", "sip-uas", "sip-uas-2"] };

/** The passing step at the path's maximum rate. */
export function atMax(p: PathResult): StepResult | undefined {
  return p.steps.filter((s) => s.pass && s.offered === p.maxRate).at(-1);
}

function cpu(s: StepResult | undefined, id: number): string {
  if (s === undefined) return "–";
  return `${f(s.cpu.kamailio, 0)} / ${f(s.cpu.prosody, 0)} / ${f(s.cpu.bridge, 0)}`;
}

function gen(s: StepResult | undefined, id: number): string {
  if (s === undefined) return "–";
  return GEN[id]!.map((g) => `${g} ${f(s.cpu[g], 0)}`).join(", ");
}

export function renderMarkdown(r: ReportLike): string {
  const m = r.machine;
  const lines: string[] = [];
  lines.push(`Measured ${r.date.slice(0, 10)} (${r.mode} mode, ${Math.round(r.durationSeconds)} s) on ${m.cpus} × ${m.cpuModel}, ${m.memGiB} GiB, ` +
    `Debian ${m.debian} (${m.os}), Node ${m.node}, Kamailio ${m.kamailio}, Prosody ${m.prosody}${m.hosts !== undefined ? ` (hosts: ${m.hosts})` : ""}, sipp ${m.sipp.replace(/[-.]*$/, "").replace(/-.*/, "")}. ` +
    `Everything (servers, bridge, load generators) shares these ${m.cpus} cores; CPU is % of one core over the send window.`);
  lines.push("");
  lines.push("| path | max sustained msg/s | ratio to lower ceiling | p50 / p99 e2e ms at half load | p50 / p99 SIP 200 ms at half load | CPU % at max: Kamailio / Prosody / bridge | load generators CPU % at max | peak memory MB: bridge RSS / Kamailio PSS / Prosody RSS |");
  lines.push("|---|---:|---:|---|---|---|---|---|");
  for (const p of r.paths) {
    const mx = atMax(p);
    const h = p.half;
    const peak = (k: string, which: "rssMb" | "pssMb") => Math.max(0, ...p.steps.map((s) => s[which][k] ?? 0), h?.[which][k] ?? 0);
    lines.push(`| ${SHORT[p.id]} | ${p.maxRate}${p.firstFail !== undefined ? ` (fails at ${p.firstFail})` : ""} | ${p.ratio !== undefined ? `${(p.ratio * 100).toFixed(0)} %` : "—"} | ` +
      `${h ? `${f(h.e2e.p50, 2)} / ${f(h.e2e.p99, 2)} @ ${h.offered}/s` : "–"} | ${h?.rtt ? `${f(h.rtt.p50, 2)} / ${f(h.rtt.p99, 2)}` : "—"} | ` +
      `${cpu(mx, p.id)} | ${gen(mx, p.id)} | ${f(peak("bridge", "rssMb"), 0)} / ${f(peak("kamailio", "pssMb"), 0)} / ${f(peak("prosody", "rssMb"), 0)} |`);
  }
  lines.push("");
  lines.push(`Bridge sockets: ${r.bridge.socketsBeforeLoad} just after start, ${r.bridge.socketsAtRest} at rest (while paths 1-2 run), ${r.bridge.socketsPeak} at peak (paths 3-4), ${r.bridge.socketsAfter} at rest after. ` +
    `Bridge peak RSS at sustained rates ${f(r.bridge.peakRssMb)} MB; with the overload steps (beyond the ceiling) ${f(r.bridge.peakRssOverloadMb)} MB (VmHWM ${f(r.bridge.vmHwmMb)} MB).`);
  lines.push("");
  const refs = r.paths.filter((p) => p.reference !== undefined);
  if (refs.length > 0) {
    lines.push("| stox path | at rate | stox p99 | reference p99 at the same rate | added (p99) |");
    lines.push("|---|---:|---|---|---:|");
    for (const p of refs) {
      const ref = p.reference!;
      const h = p.half!;
      if (ref.metric === "rtt") {
        lines.push(`| 3 SIP→XMPP | ${h.offered}/s | SIP 200 ${f(h.rtt?.p99, 2)} ms; e2e ${f(h.e2e.p99, 2)} ms | path 1: SIP 200 ${f(ref.step.rtt?.p99, 2)} ms; e2e ${f(ref.step.e2e.p99, 2)} ms | ${f(ref.addedP99Ms, 2)} ms (SIP 200); ${f(ref.addedP99E2eMs, 2)} ms (e2e) |`);
      } else {
        const what = ref.path === 4 ? "(e2e; the second contact's cost)" : "(e2e)";
        lines.push(`| ${SHORT[p.id]} | ${h.offered}/s | e2e ${f(h.e2e.p99, 2)} ms | path ${ref.path}: e2e ${f(ref.step.e2e.p99, 2)} ms | ${f(ref.addedP99Ms, 2)} ms ${what} |`);
      }
    }
    lines.push("");
  }
  const g = r.goals;
  const mark = (b: boolean) => (b ? "met" : "**missed**");
  lines.push("| goal | result |");
  lines.push("|---|---|");
  for (const x of g.ratio) lines.push(`| path ${x.path} ≥ 70 % of the lower native ceiling | ${x.value === null ? "–" : `${(x.value * 100).toFixed(0)} %`} — ${mark(x.met)} |`);
  for (const x of g.addedP99) lines.push(`| path ${x.path}: bridge adds ≤ 5 ms p99 at half load | ${x.valueMs === null ? "–" : `${x.valueMs.toFixed(2)} ms`} — ${mark(x.met)} |`);
  lines.push(`| bridge RSS ≤ 150 MB at peak | ${f(g.bridgeRss.valueMb)} MB — ${mark(g.bridgeRss.met)} |`);
  lines.push(`| bridge holds a constant number of sockets | ${g.bridgeSockets.atRest} at rest, ${g.bridgeSockets.peak} at peak, ${g.bridgeSockets.after} after — ${mark(g.bridgeSockets.met)} |`);
  return lines.join("\n") + "\n";
}
