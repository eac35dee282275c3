/**
 * End-to-end benchmark: the servers' own ceilings and the two stox paths,
 * measured in one run against real Kamailio, Prosody and the bridge on
 * loopback (README "Benchmark results").
 *
 *   npm run bench           # full: more and longer rate steps (~10-15 min)
 *   npm run bench:quick     # quick: the same figures, coarser (< 2 min)
 *
 * Options: --quick, --paths=1,2,3,4, --out=DIR (default bench/results),
 * --cpu-prof (profile the bridge with node --cpu-prof; the .cpuprofile lands
 * in the run's temp dir), --keep (keep the temp dir), --fixed=R1,R2
 * [--seconds=S] (only these rates, no search: for profiling), and
 * --kamailio-nodelay (diagnosis: Kamailio with an LD_PRELOAD shim that sets
 * TCP_NODELAY on accepted sockets, bench/e2e/diag/accept-nodelay.c), and
 * --hosts=bookworm|trixie (Debian 12's Kamailio 5.6 / Prosody 0.12, the default,
 * or Debian 13's Kamailio 6.0 / Prosody 13 from scripts/hosts-trixie.sh's root;
 * bench/e2e/compare.ts prints two runs side by side).
 *
 * For each path: the highest offered rate sustained with zero loss and p99
 * latency ≤ 100 ms (rates stepped up geometrically until a step fails, then
 * bisected), p50/p99 at half that rate, CPU of every process (servers,
 * bridge, load generators) and peak memory; the bridge's sockets at rest and
 * at peak. Goals are reported, never asserted.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { execFileSync } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../../test/support/ports.js";
import { tempDir } from "../../test/support/process.js";
import { hosts } from "../../test/support/hosts.js";
import { startBenchStack, SIP_DOMAIN, XMPP_DOMAIN, type BenchStack } from "./stack.js";
import { parseKamailioVersion, parseProsodyVersion, parseSippVersion } from "./tool-versions.js";
import { WorkerHandle, type Answer } from "./gen/ipc.js";
import { registerFromPort } from "./gen/sip-register.js";
import { SippUas } from "./sipp.js";
import { CpuWindow, hwmKb, memoryKb, PeakSampler, socketCount, type Watched } from "./proc-stats.js";
import { summarize, type LatencySummary } from "./stats.js";
import type { BenchPath, RawStep, Rig } from "./paths/common.js";
import { sipNative } from "./paths/sip-native.js";
import { xmppNative } from "./paths/xmpp-native.js";
import { sipToXmpp } from "./paths/sip-to-xmpp.js";
import { xmppToSip, xmppToSipForked } from "./paths/xmpp-to-sip.js";
import { renderSvg } from "./report-svg.js";
import { renderMarkdown } from "./report-md.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export interface Mode {
  readonly name: "quick" | "full";
  readonly stepSeconds: number;
  readonly halfSeconds: number;
  readonly refSeconds: number;
  readonly warmupSeconds: number;
  readonly growth: number;
  readonly maxSteps: number;
  readonly bisections: number;
  readonly settleMs: number;
  readonly pauseMs: number;
  /** First offered rate per path (msg/s). */
  readonly start: Record<1 | 2 | 3 | 4 | 5, number>;
}

const MODES: Record<"quick" | "full", Mode> = {
  quick: {
    name: "quick", stepSeconds: 2.5, halfSeconds: 3, refSeconds: 2.5, warmupSeconds: 1, growth: 2, maxSteps: 5, bisections: 1,
    settleMs: 2500, pauseMs: 300, start: { 1: 2000, 2: 2000, 3: 500, 4: 500, 5: 500 },
  },
  full: {
    name: "full", stepSeconds: 10, halfSeconds: 15, refSeconds: 10, warmupSeconds: 3, growth: 1.5, maxSteps: 14, bisections: 3,
    settleMs: 5000, pauseMs: 1500, start: { 1: 1000, 2: 1000, 3: 250, 4: 250, 5: 250 },
  },
};

/** Pass/fail limits for a step. */
export const LIMITS = { p99Ms: 100, minAchieved: 0.95 };
/** CPU (% of one core) used outside the benchmark's processes above which a failed step is repeated. */
export const DISTURBED = 20;
/** The issue's goals (reported, not asserted). */
export const GOALS = { ratio: 0.7, addedP99Ms: 5, bridgeRssMb: 150 };

export interface StepResult {
  readonly step: number;
  readonly kind: "warmup" | "search" | "half" | "reference";
  readonly path: number;
  readonly offered: number;
  readonly seconds: number;
  readonly sent: number;
  readonly achieved: number;
  readonly ok: number;
  readonly received: number;
  readonly errors: number;
  readonly lost: number;
  readonly e2e: LatencySummary;
  readonly rtt?: LatencySummary;
  readonly retransmissions?: number;
  readonly lagMax?: number;
  /** CPU over the send window, % of one core (200 % = this whole 2-core machine). */
  readonly cpu: Record<string, number>;
  /** Peak memory during the step, MB: RSS (VmRSS summed) and PSS (shared pages split). */
  readonly rssMb: Record<string, number>;
  readonly pssMb: Record<string, number>;
  readonly bridgeSockets: { min: number; max: number };
  readonly pass: boolean;
  readonly why: string[];
  /** Set when the step failed while other work on the machine used > DISTURBED % of a core (it was repeated). */
  readonly disturbed?: boolean;
}

export interface PathResult {
  readonly id: number;
  readonly key: string;
  readonly title: string;
  readonly viaBridge: boolean;
  readonly maxRate: number;
  readonly firstFail?: number;
  readonly steps: StepResult[];
  readonly half?: StepResult;
  /** stox paths: max rate / the lower native ceiling. */
  ratio?: number;
  /** stox paths: the native comparison at this path's half rate, and the p99 the bridge adds. */
  reference?: { path: number; step: StepResult; metric: "e2e" | "rtt"; addedP99Ms: number; addedP99E2eMs?: number };
  readonly error?: string;
}

function parseArgs(argv: string[]) {
  const opts = { quick: false, paths: [1, 2, 3, 4, 5] as number[], out: path.join(ROOT, "bench/results"), cpuProf: false, keep: false, fixed: [] as number[], seconds: 0, kamailioNodelay: false, suite: "bookworm" };
  for (const a of argv) {
    if (a === "--quick") opts.quick = true;
    else if (a === "--cpu-prof") opts.cpuProf = true;
    else if (a === "--keep") opts.keep = true;
    else if (a === "--kamailio-nodelay") opts.kamailioNodelay = true;
    else if (a.startsWith("--paths=")) opts.paths = a.slice(8).split(",").map(Number).filter((n) => n >= 1 && n <= 5);
    else if (a.startsWith("--out=")) opts.out = path.resolve(a.slice(6));
    else if (a.startsWith("--fixed=")) opts.fixed = a.slice(8).split(",").map(Number).filter((n) => n > 0);
    else if (a.startsWith("--seconds=")) opts.seconds = Number(a.slice(10));
    else if (a === "--hosts=bookworm" || a === "--hosts=trixie") opts.suite = a.slice(8);
    else throw new Error(`unknown option ${a} (--quick, --paths=1,2,3,4,5, --out=DIR, --cpu-prof, --keep, --fixed=R1,R2 [--seconds=S], --kamailio-nodelay, --hosts=bookworm|trixie)`);
  }
  // the shim is a host-side .so: a chrooted Kamailio cannot load it
  if (opts.kamailioNodelay && opts.suite !== "bookworm") throw new Error("--kamailio-nodelay needs --hosts=bookworm");
  process.env.STOX_HOST_SUITE = opts.suite; // test/support/hosts.ts reads it on first use
  return opts;
}

const round = (x: number, to: number) => Math.max(to, Math.round(x / to) * to);
const rateRound = (x: number) => round(x, x < 500 ? 10 : 50);
const mb = (kb: number) => Math.round(kb / 102.4) / 10;

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const mode = MODES[opts.quick ? "quick" : "full"];
  const started = new Date();
  const t0 = performance.now();
  const dir = tempDir("bench");
  const log = (s: string) => process.stdout.write(`[${((performance.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${s}\n`);
  log(`stox e2e benchmark, ${mode.name} mode, paths ${opts.paths.join(",")}, temp dir ${dir}`);

  const SENDERS = 16, RECEIVERS = 16, WORKERS = 4, UAS_AORS = 64, FORK_AORS = 64, SIPP_AORS = 16;
  const senders = Array.from({ length: SENDERS }, (_, i) => ({ user: `bsend${i}`, password: `bench-send-${i}` }));
  const receivers = Array.from({ length: RECEIVERS }, (_, i) => ({ user: `brecv${i}`, password: `bench-recv-${i}` }));

  let stack: BenchStack | undefined;
  const workers: WorkerHandle[] = [];
  let uas: WorkerHandle | undefined;
  let uas2: WorkerHandle | undefined;
  let sippUas: SippUas | undefined;
  const results: PathResult[] = [];
  const all: StepResult[] = [];
  try {
    const kamailioEnv = opts.kamailioNodelay ? { LD_PRELOAD: buildNodelayShim(dir) } : undefined;
    if (kamailioEnv) log(`diagnosis: Kamailio runs with ${kamailioEnv.LD_PRELOAD} (TCP_NODELAY on accepted sockets, evapi included)`);
    stack = await startBenchStack({
      dir, users: [...senders, ...receivers], shmMb: 1024,
      ...(kamailioEnv !== undefined ? { kamailioEnv } : {}),
      ...(opts.cpuProf ? { bridgeNodeFlags: ["--cpu-prof", `--cpu-prof-dir=${path.join(dir, "profile")}`] } : {}),
    });
    const st = stack;
    log(`stack up: kamailio sip ${st.ports.sip}, prosody c2s ${st.ports.c2s}, bridge pid ${st.bridge.child.pid}`);

    const workerScript = path.join(ROOT, "dist/bench/e2e/gen/xmpp-worker.js");
    for (let w = 0; w < WORKERS; w++) workers.push(WorkerHandle.start(`xmpp-worker-${w}`, workerScript, path.join(dir, `xmpp-worker-${w}.log`)));
    const per = SENDERS / WORKERS;
    await Promise.all(workers.map((w, i) => w.call("connect", {
      host: "127.0.0.1", port: st.ports.c2s, domain: XMPP_DOMAIN,
      senders: senders.slice(i * per, (i + 1) * per).map((s) => ({ ...s, resource: "load" })),
      receivers: receivers.slice(i * per, (i + 1) * per).map((s) => ({ ...s, resource: "sink" })),
    })));
    uas = WorkerHandle.start("sip-uas", path.join(ROOT, "dist/bench/e2e/gen/sip-uas-worker.js"), path.join(dir, "sip-uas.log"));
    const uasAors = Array.from({ length: UAS_AORS }, (_, i) => `u${i}`);
    // path 5: FORK_AORS registered from both UAS processes (two contacts each)
    const forkAors = Array.from({ length: FORK_AORS }, (_, i) => `f${i}`);
    await uas.call("start", { kamailioPort: st.ports.sip, domain: SIP_DOMAIN, aors: [...uasAors, ...forkAors] });
    uas2 = WorkerHandle.start("sip-uas-2", path.join(ROOT, "dist/bench/e2e/gen/sip-uas-worker.js"), path.join(dir, "sip-uas-2.log"));
    await uas2.call("start", { kamailioPort: st.ports.sip, domain: SIP_DOMAIN, aors: forkAors });
    const sippAors = Array.from({ length: SIPP_AORS }, (_, i) => `sipbench${i}`);
    const sippPort = await freePort();
    await registerFromPort(sippPort, st.ports.sip, SIP_DOMAIN, sippAors);
    sippUas = await SippUas.start({ root: ROOT, dir, port: sippPort, maxSeconds: 3600 });
    log(`generators up: ${WORKERS} XMPP worker processes (${SENDERS} senders, ${RECEIVERS} receivers), Node SIP UAS (${UAS_AORS} AORs), sipp UAS (${SIPP_AORS} AORs)`);

    const rig: Rig = {
      root: ROOT, dir, stack: st, xmpp: workers, receivers: receivers.map((r) => `${r.user}@${XMPP_DOMAIN}`),
      uas, uasAors, uas2, forkAors, sippUas, sippAors, uacPid: undefined,
    };
    const bridgePid = () => st.bridge.child.pid;
    const watched: Watched[] = [
      { name: "bridge", role: "bridge", tree: false, pids: () => pidList(st.bridge.child.pid) },
      { name: "kamailio", role: "server", tree: true, pids: () => pidList(st.kamailio.child.pid) },
      { name: "prosody", role: "server", tree: false, pids: () => pidList(st.prosody.proc.child.pid) },
      { name: "sipp-uac", role: "generator", tree: false, pids: () => pidList(rig.uacPid) },
      { name: "sipp-uas", role: "generator", tree: false, pids: () => pidList(sippUas?.pid) },
      { name: "xmpp-clients", role: "generator", tree: false, pids: () => workers.flatMap((w) => pidList(w.pid)) },
      { name: "sip-uas", role: "generator", tree: false, pids: () => pidList(uas?.pid) },
      { name: "sip-uas-2", role: "generator", tree: false, pids: () => pidList(uas2?.pid) },
      { name: "harness", role: "generator", tree: false, pids: () => [process.pid] },
    ];

    const socketsBeforeLoad = socketCount(bridgePid()!);
    log(`bridge sockets before any load: ${socketsBeforeLoad}`);

    let stepNo = 0;
    const measureOnce = async (p: BenchPath, rate: number, seconds: number, kind: StepResult["kind"]): Promise<StepResult> => {
      const step = ++stepNo;
      const cpu = new CpuWindow(watched);
      const sampler = new PeakSampler(watched, bridgePid, cpu);
      cpu.start();
      sampler.start();
      // CPU over the send window only: the settling afterwards is not load
      const timer = setTimeout(() => cpu.stop(), seconds * 1000);
      let raw: RawStep;
      try {
        raw = await p.run(rate, seconds, step, mode.settleMs);
      } finally {
        clearTimeout(timer);
        sampler.stop();
      }
      const r = evaluate(p, raw, { step, kind, rate, seconds, cpu: cpu.stop(), sampler });
      all.push(r);
      log(`  ${kind.padEnd(9)} path ${p.id} @ ${String(rate).padStart(6)}/s: sent ${r.sent} ok ${r.ok} recv ${r.received} ` +
        `e2e p50 ${fmt(r.e2e.p50)} p99 ${fmt(r.e2e.p99)} ms${r.rtt ? ` rtt p99 ${fmt(r.rtt.p99)} ms` : ""} ` +
        `cpu k ${r.cpu.kamailio} p ${r.cpu.prosody} b ${r.cpu.bridge} gen ${genCpu(p, r)} other ${r.cpu.other} → ${r.pass ? "pass" : "FAIL " + r.why.join("; ")}`);
      await sleep(mode.pauseMs);
      return r;
    };
    // The machine may be shared: a step that fails while something outside the benchmark
    // used more than DISTURBED % of a core is measured once more (the first result is kept in the JSON).
    const measure = async (p: BenchPath, rate: number, seconds: number, kind: StepResult["kind"]): Promise<StepResult> => {
      let r = await measureOnce(p, rate, seconds, kind);
      if (!r.pass && (r.cpu.other ?? 0) > DISTURBED) {
        log(`  step disturbed (other processes used ${r.cpu.other} % of a core): once more`);
        (r as { disturbed?: boolean }).disturbed = true;
        await sleep(1000);
        r = await measureOnce(p, rate, seconds, kind);
      }
      return r;
    };

    const paths: BenchPath[] = [sipNative(rig), xmppNative(rig), sipToXmpp(rig), xmppToSip(rig), xmppToSipForked(rig)].filter((p) => opts.paths.includes(p.id));
    for (const p of paths) {
      log(`path ${p.id}: ${p.title}`);
      try {
        if (opts.fixed.length > 0) {
          // diagnosis (profiling): the given rates only, no search, no report goals
          const steps: StepResult[] = [];
          await measure(p, Math.min(200, opts.fixed[0]!), mode.warmupSeconds, "warmup");
          for (const r of opts.fixed) steps.push(await measure(p, r, opts.seconds || mode.stepSeconds, "search"));
          results.push({ id: p.id, key: p.key, title: p.title, viaBridge: p.viaBridge, maxRate: Math.max(0, ...steps.filter((s) => s.pass).map((s) => s.offered)), steps });
          continue;
        }
        results.push(await searchPath(p, mode, measure));
      } catch (e) {
        log(`path ${p.id} failed: ${(e as Error).stack ?? e}`);
        results.push({ id: p.id, key: p.key, title: p.title, viaBridge: p.viaBridge, maxRate: 0, steps: [], error: String(e) });
      }
    }

    // ratios and the latency the bridge adds, against the natives at the same rate
    const byId = new Map(results.map((r) => [r.id, r]));
    const natives = [byId.get(1)?.maxRate, byId.get(2)?.maxRate].filter((x): x is number => x !== undefined && x > 0);
    const lower = natives.length === 2 ? Math.min(...natives) : undefined;
    for (const r of results) {
      if (!r.viaBridge) continue;
      if (lower !== undefined) r.ratio = Math.round((r.maxRate / lower) * 1000) / 1000;
      if (r.half === undefined) continue;
      // path 5 (forking) against path 4 (one contact): what the second contact costs
      const refId = r.id === 3 ? 1 : r.id === 5 ? 4 : 2;
      const refPath = paths.find((p) => p.id === refId);
      if (refPath === undefined) continue;
      log(`reference for path ${r.id}: path ${refPath.id} at the same rate (${r.half.offered}/s)`);
      const ref = await measure(refPath, r.half.offered, mode.refSeconds, "reference");
      if (r.id === 3) {
        // time to the sender's 200: stox (bridge + Prosody) vs native relay (UAS)
        r.reference = {
          path: 1, step: ref, metric: "rtt",
          addedP99Ms: round2((r.half.rtt?.p99 ?? NaN) - (ref.rtt?.p99 ?? NaN)),
          addedP99E2eMs: round2(r.half.e2e.p99 - ref.e2e.p99),
        };
      } else {
        r.reference = { path: refId, step: ref, metric: "e2e", addedP99Ms: round2(r.half.e2e.p99 - ref.e2e.p99) };
      }
    }

    await sleep(2000);
    const socketsAfter = socketCount(bridgePid()!);
    // "at rest": the bridge is up but carries nothing, as while paths 1 and 2 run before any stox
    // traffic (its keepalive commands included); "peak": the most during the stox paths
    const firstStox = all.findIndex((s) => s.path >= 3);
    const idle = (firstStox < 0 ? all : all.slice(0, firstStox)).filter((s) => s.path <= 2);
    const socketsAtRest = idle.length > 0 ? Math.max(...idle.map((s) => s.bridgeSockets.max)) : socketsBeforeLoad;
    const busy = all.filter((s) => s.path >= 3);
    const peakSockets = busy.length > 0 ? Math.max(...busy.map((s) => s.bridgeSockets.max)) : socketsAtRest;
    const hwm = {
      bridge: mb(hwmKb(st.bridge.child.pid!)),
      prosody: mb(hwmKb(st.prosody.proc.child.pid!)),
      kamailio_pss_now: mb(memoryKb(watched[1]!).pss),
    };
    // at peak = the most while the stox paths ran at rates they sustained; overload steps
    // (beyond the ceiling, with a backlog) are reported separately, with VmHWM
    const sustained = busy.filter((s) => s.pass);
    const bridgePeakRss = Math.max(0, ...sustained.map((s) => s.rssMb.bridge ?? 0));
    const bridgeOverloadRss = Math.max(hwm.bridge, ...all.map((s) => s.rssMb.bridge ?? 0));
    const report = {
      tool: "stox bench/e2e", mode: mode.name, date: started.toISOString(),
      durationSeconds: Math.round((performance.now() - t0) / 100) / 10,
      machine: machine(),
      git: gitState(),
      settings: {
        mode, limits: LIMITS, goals: GOALS, senders: SENDERS, receivers: RECEIVERS, xmppWorkerProcesses: WORKERS,
        sipUasAors: UAS_AORS, forkedAors: FORK_AORS, sippUasAors: SIPP_AORS, kamailioShmMb: 1024, logLevels: { bridge: "info", prosody: "info", kamailio: "debug=2" },
        transport: "SIP over UDP (sipp u1, Node UAS); XMPP c2s over TCP without TLS; bridge↔Kamailio evapi TCP + HTTP; bridge↔Prosody unix socket",
        cpuUnit: "% of one core over the send window (this machine has 2 cores = 200 %)",
      },
      paths: results,
      bridge: { socketsBeforeLoad, socketsAtRest, socketsPeak: peakSockets, socketsAfter, peakRssMb: bridgePeakRss, peakRssOverloadMb: bridgeOverloadRss, vmHwmMb: hwm.bridge },
      prosodyVmHwmMb: hwm.prosody,
      goals: goals(results, { socketsAtRest, peakSockets, socketsAfter, bridgePeakRss }),
      cpuProfile: opts.cpuProf ? path.join(dir, "profile") : undefined,
      diagnosis: opts.kamailioNodelay ? "Kamailio ran with the accept-nodelay shim (TCP_NODELAY on evapi): not the product as shipped" : undefined,
    };
    fs.mkdirSync(opts.out, { recursive: true });
    const stamp = started.toISOString().replace(/[:]/g, "").replace(/\.\d+Z$/, "Z");
    const variant = `${opts.suite !== "bookworm" ? `-${opts.suite}` : ""}${opts.fixed.length > 0 ? "-fixed" : ""}${opts.kamailioNodelay ? "-kamailio-nodelay" : ""}`;
    const base = path.join(opts.out, `${stamp}-${mode.name}${variant}`);
    fs.writeFileSync(`${base}.json`, JSON.stringify(report, null, 2) + "\n");
    const svg = renderSvg(report);
    fs.writeFileSync(`${base}.svg`, svg);
    // latest.svg: the last complete run of the product as shipped
    if (variant === "") fs.writeFileSync(path.join(opts.out, "latest.svg"), svg);
    const md = renderMarkdown(report);
    fs.writeFileSync(`${base}.md`, md);
    process.stdout.write("\n" + md + "\n");
    log(`wrote ${base}.json, ${base}.svg, ${base}.md${variant === "" ? ` and ${path.join(opts.out, "latest.svg")}` : ""}`);
  } finally {
    await sippUas?.stop().catch(() => {});
    await uas?.stop().catch(() => {});
    await uas2?.stop().catch(() => {});
    await Promise.all(workers.map((w) => w.stop().catch(() => {})));
    if (stack) {
      const st = stack;
      await st.stop().catch((e) => log(`stop: ${e}`));
      if (opts.cpuProf) await sleep(500);
    }
    if (!opts.keep && !opts.cpuProf) fs.rmSync(dir, { recursive: true, force: true });
    log("done");
  }
}

/** Compiles bench/e2e/diag/accept-nodelay.c (gcc) into `dir`; returns the .so path. */
function buildNodelayShim(dir: string): string {
  const out = path.join(dir, "accept-nodelay.so");
  execFileSync("gcc", ["-shared", "-fPIC", "-O2", "-o", out, path.join(ROOT, "bench/e2e/diag/accept-nodelay.c"), "-ldl"], { stdio: "inherit" });
  return out;
}

function pidList(pid: number | undefined): number[] {
  return pid === undefined ? [] : [pid];
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");

function genCpu(p: BenchPath, r: StepResult): string {
  return p.generators.map((g) => `${g} ${r.cpu[g] ?? 0}`).join(", ");
}

function evaluate(p: BenchPath, raw: RawStep, m: { step: number; kind: StepResult["kind"]; rate: number; seconds: number; cpu: Record<string, number>; sampler: PeakSampler }): StepResult {
  const e2e = summarize(raw.e2e);
  const rtt = raw.rtt !== undefined ? summarize(raw.rtt) : undefined;
  const expected = Math.round(m.rate * m.seconds);
  // the message count decides loss: everything sent must be answered 2xx (or not bounced) and received
  const lost = raw.sent - Math.min(raw.ok, raw.received);
  const achieved = Math.round(raw.sent / Math.max(m.seconds * ((expected - 1) / expected), raw.sendSeconds));
  const why: string[] = [];
  if (raw.sent < expected) why.push(`only ${raw.sent}/${expected} sent`);
  if (achieved < m.rate * LIMITS.minAchieved) why.push(`offered rate not reached (${achieved}/s)`);
  if (lost > 0) why.push(`${lost} lost`);
  if (raw.errors > 0) why.push(`${raw.errors} errors`);
  if (!(e2e.p99 <= LIMITS.p99Ms)) why.push(`e2e p99 ${fmt(e2e.p99)} ms`);
  if (rtt !== undefined && !(rtt.p99 <= LIMITS.p99Ms)) why.push(`rtt p99 ${fmt(rtt.p99)} ms`);
  const rssMb: Record<string, number> = {};
  const pssMb: Record<string, number> = {};
  for (const [k, v] of m.sampler.peakRssKb) rssMb[k] = mb(v);
  for (const [k, v] of m.sampler.peakPssKb) pssMb[k] = mb(v);
  return {
    step: m.step, kind: m.kind, path: p.id, offered: m.rate, seconds: m.seconds,
    sent: raw.sent, achieved, ok: raw.ok, received: raw.received, errors: raw.errors, lost,
    e2e, ...(rtt !== undefined ? { rtt } : {}),
    ...(raw.retransmissions !== undefined ? { retransmissions: raw.retransmissions } : {}),
    ...(raw.lagMax !== undefined ? { lagMax: raw.lagMax } : {}),
    cpu: m.cpu, rssMb, pssMb,
    bridgeSockets: { min: Number.isFinite(m.sampler.minSockets) ? m.sampler.minSockets : 0, max: m.sampler.peakSockets },
    pass: why.length === 0, why,
  };
}

type Measure = (p: BenchPath, rate: number, seconds: number, kind: StepResult["kind"]) => Promise<StepResult>;

/** Geometric steps up to the first failure, then bisection; then a longer step at half the result. */
async function searchPath(p: BenchPath, mode: Mode, measure: Measure): Promise<PathResult> {
  const steps: StepResult[] = [];
  await measure(p, Math.min(200, mode.start[p.id]), mode.warmupSeconds, "warmup");
  let rate = mode.start[p.id];
  let pass = 0;
  let fail: number | undefined;
  for (let i = 0; i < mode.maxSteps; i++) {
    const r = await measure(p, rate, mode.stepSeconds, "search");
    steps.push(r);
    if (r.pass) { pass = rate; rate = rateRound(rate * mode.growth); } else { fail = rate; break; }
  }
  // the first rate already failed: step down (bounded)
  for (let i = 0; pass === 0 && fail !== undefined && i < 3; i++) {
    rate = rateRound(fail / mode.growth);
    if (rate >= fail) break;
    const r = await measure(p, rate, mode.stepSeconds, "search");
    steps.push(r);
    if (r.pass) pass = rate; else fail = rate;
  }
  for (let i = 0; pass > 0 && fail !== undefined && i < mode.bisections && fail / pass > 1.08; i++) {
    const mid = rateRound((pass + fail) / 2);
    if (mid <= pass || mid >= fail) break;
    const r = await measure(p, mid, mode.stepSeconds, "search");
    steps.push(r);
    if (r.pass) pass = mid; else fail = mid;
  }
  let half: StepResult | undefined;
  if (pass > 0) half = await measure(p, rateRound(pass / 2), mode.halfSeconds, "half");
  return {
    id: p.id, key: p.key, title: p.title, viaBridge: p.viaBridge, maxRate: pass,
    ...(fail !== undefined ? { firstFail: fail } : {}), steps, ...(half !== undefined ? { half } : {}),
  };
}

function goals(results: PathResult[], s: { socketsAtRest: number; peakSockets: number; socketsAfter: number; bridgePeakRss: number }) {
  // the goals are the bridge's, against the natives; path 5 is measured against path 4
  const stox = results.filter((r) => r.viaBridge && r.id !== 5);
  return {
    ratio: stox.map((r) => ({ path: r.id, value: r.ratio ?? null, goal: `>= ${GOALS.ratio}`, met: r.ratio !== undefined && r.ratio >= GOALS.ratio })),
    addedP99: stox.map((r) => {
      const v = r.reference === undefined ? null : Math.max(r.reference.addedP99Ms, r.reference.addedP99E2eMs ?? -Infinity);
      return { path: r.id, valueMs: v, goal: `<= ${GOALS.addedP99Ms} ms`, met: v !== null && v <= GOALS.addedP99Ms };
    }),
    bridgeRss: { valueMb: s.bridgePeakRss, goal: `<= ${GOALS.bridgeRssMb} MB`, met: s.bridgePeakRss <= GOALS.bridgeRssMb },
    bridgeSockets: { atRest: s.socketsAtRest, peak: s.peakSockets, after: s.socketsAfter, goal: "constant", met: s.socketsAtRest === s.peakSockets && s.socketsAfter === s.peakSockets },
  };
}

/** The commit measured, and whether the working tree differed from it (the build is what ran). */
function gitState(): { commit: string; dirty: string[] } {
  try {
    const commit = execFileSync("git", ["rev-parse", "HEAD"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] })
      .split("\n").filter((l) => l.trim() !== "").map((l) => l.slice(3));
    return { commit, dirty };
  } catch {
    // a snapshot without .git (git archive HEAD | tar -x): the caller names the commit
    return { commit: process.env.STOX_BENCH_COMMIT ?? "?", dirty: [] };
  }
}

function machine() {
  const cpus = os.cpus();
  let debian = "";
  try { debian = fs.readFileSync("/etc/debian_version", "utf8").trim(); } catch { /* not Debian */ }
  // sipp -v exits non-zero after printing its version: read stdout either way.
  const version = (bin: string, argv: string[], parse: (stdout: string) => string) => {
    const { cmd, args } = bin === "sipp" ? { cmd: bin, args: argv } : hosts().command(bin, argv);
    try { return parse(execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })); } catch (e) {
      return parse(String((e as { stdout?: string }).stdout ?? ""));
    }
  };
  return {
    cpus: cpus.length, cpuModel: cpus[0]?.model ?? "?", memGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`, debian, node: process.version, hosts: hosts().label,
    kamailio: version("kamailio", ["-v"], parseKamailioVersion),
    prosody: version("prosodyctl", ["about"], parseProsodyVersion),
    sipp: version("sipp", ["-v"], parseSippVersion),
  };
}

main().catch((e) => {
  process.stderr.write(`bench failed: ${(e as Error).stack ?? e}\n`);
  process.exitCode = 1;
});
