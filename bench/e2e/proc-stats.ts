/**
 * Process figures from /proc for the end-to-end benchmark: CPU ticks
 * (utime + stime, all threads) of a process and its descendants, resident
 * memory (VmRSS, VmHWM; Pss for multi-process servers whose shared memory
 * would be counted once per process by VmRSS), and the number of sockets a
 * process holds (/proc/<pid>/fd links to `socket:[…]`).
 */
import fs from "node:fs";
import { execFileSync } from "node:child_process";

/** Kernel clock ticks per second (USER_HZ), 100 on every Linux we run on. */
export const CLK_TCK: number = (() => {
  try { return Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100; } catch { return 100; }
})();

function statFields(pid: number): string[] | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // comm may contain spaces and parentheses: fields start after the last ')'
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** utime + stime of one process in ticks (0 when it is gone). */
export function cpuTicks(pid: number): number {
  const f = statFields(pid);
  // after ')': [0]=state [1]=ppid … [11]=utime [12]=stime
  return f === undefined ? 0 : Number(f[11]) + Number(f[12]);
}

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const f = statFields(Number(name));
    if (f === undefined) continue;
    const ppid = Number(f[1]);
    const list = children.get(ppid);
    if (list) list.push(Number(name)); else children.set(ppid, [Number(name)]);
  }
  const out: number[] = [];
  const queue = [pid];
  for (let guard = 0; queue.length > 0 && guard < 10000; guard++) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(children.get(p) ?? []));
  }
  return out;
}

function statusKb(pid: number, field: "VmRSS" | "VmHWM"): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size in kB (shared pages divided among the processes mapping them). */
export function pssKb(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, "utf8"));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export const rssKb = (pid: number): number => statusKb(pid, "VmRSS");
export const hwmKb = (pid: number): number => statusKb(pid, "VmHWM");

/** Open sockets of one process (TCP, UDP, unix: every fd that links to socket:[inode]). */
export function socketCount(pid: number): number {
  let n = 0;
  let names: string[];
  try { names = fs.readdirSync(`/proc/${pid}/fd`); } catch { return 0; }
  for (const fd of names) {
    try { if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++; } catch { /* closed meanwhile */ }
  }
  return n;
}

/**
 * A named group of processes to watch: a root PID and (optionally) its
 * descendants, listed again at every reading so that late children count.
 */
export interface Watched {
  readonly name: string;
  readonly role: "server" | "bridge" | "generator";
  /** The root PIDs (empty while nothing runs). */
  pids(): number[];
  /** Whether to sum the descendants too (Kamailio's workers). */
  readonly tree: boolean;
}

/**
 * CPU of each watched group over a window, in % of one core (200 % = both
 * cores of this machine). Processes that start inside the window (a sipp
 * UAC) count from zero; processes that end inside it keep their last
 * reading, so call sample() often (the PeakSampler does, every 500 ms).
 */
/** Busy ticks of the whole machine (all CPUs: everything but idle and iowait) from /proc/stat. */
export function machineBusyTicks(): number {
  try {
    const line = fs.readFileSync("/proc/stat", "utf8").split("\n", 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
    return (f[0] ?? 0) + (f[1] ?? 0) + (f[2] ?? 0) + (f[5] ?? 0) + (f[6] ?? 0) + (f[7] ?? 0);
  } catch {
    return 0;
  }
}

export class CpuWindow {
  private machine0 = 0;
  private machine1 = 0;
  private readonly first = new Map<string, Map<number, number>>();
  private readonly last = new Map<string, Map<number, number>>();
  private t0 = 0;
  private t1 = 0;
  private open = false;

  constructor(private readonly watched: readonly Watched[]) {}

  start(): void {
    this.t0 = performance.now();
    this.machine0 = machineBusyTicks();
    this.open = true;
    for (const w of this.watched) {
      const m = new Map<number, number>();
      for (const pid of this.pidsOf(w)) m.set(pid, cpuTicks(pid));
      this.first.set(w.name, m);
      this.last.set(w.name, new Map(m));
    }
  }

  sample(): void {
    if (!this.open) return;
    for (const w of this.watched) {
      const last = this.last.get(w.name)!;
      for (const pid of this.pidsOf(w)) {
        const t = cpuTicks(pid);
        if (t > 0 || !last.has(pid)) last.set(pid, Math.max(t, last.get(pid) ?? 0));
      }
    }
  }

  /** Ends the window (idempotent) and returns % of one core per group. */
  stop(): Record<string, number> {
    if (this.open) {
      this.sample();
      this.open = false;
      this.t1 = performance.now();
      this.machine1 = machineBusyTicks();
    }
    const seconds = (this.t1 - this.t0) / 1000;
    const out: Record<string, number> = {};
    for (const w of this.watched) {
      const first = this.first.get(w.name)!;
      let ticks = 0;
      for (const [pid, t] of this.last.get(w.name)!) ticks += t - (first.get(pid) ?? 0);
      out[w.name] = seconds > 0 ? Math.round((ticks / CLK_TCK / seconds) * 1000) / 10 : 0;
    }
    // the whole machine, and what none of the watched processes used: other sessions' work,
    // kernel threads (softirq of loopback traffic can land there) — a disturbed step shows here
    const machine = seconds > 0 ? Math.round(((this.machine1 - this.machine0) / CLK_TCK / seconds) * 1000) / 10 : 0;
    out.machine = machine;
    out.other = Math.round((machine - Object.entries(out).filter(([k]) => k !== "machine").reduce((a, [, v]) => a + v, 0)) * 10) / 10;
    return out;
  }

  private pidsOf(w: Watched): number[] {
    return w.tree ? w.pids().flatMap(processTree) : w.pids();
  }
}

/** Memory of one group now: RSS summed over its processes, and Pss summed (the honest figure for Kamailio). */
export function memoryKb(w: Watched): { rss: number; pss: number; hwm: number } {
  const pids = w.tree ? w.pids().flatMap(processTree) : w.pids();
  let rss = 0, pss = 0, hwm = 0;
  for (const p of pids) { rss += rssKb(p); pss += pssKb(p); hwm += hwmKb(p); }
  return { rss, pss, hwm };
}

/**
 * Samples memory and the bridge's sockets every `everyMs` while a step runs,
 * keeping the peaks per group.
 */
export class PeakSampler {
  private timer: NodeJS.Timeout | undefined;
  readonly peakRssKb = new Map<string, number>();
  readonly peakPssKb = new Map<string, number>();
  peakSockets = 0;
  minSockets = Number.POSITIVE_INFINITY;

  constructor(
    private readonly watched: readonly Watched[],
    private readonly bridgePid: () => number | undefined,
    private readonly cpu?: CpuWindow,
    private readonly everyMs = 500,
  ) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.everyMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample(true);
  }

  /** RSS (cheap, /proc/<pid>/status) at every sample; Pss (smaps_rollup, costly with Kamailio's 1 GB shm) only when `withPss`. */
  private sample(withPss = false): void {
    this.cpu?.sample();
    for (const w of this.watched) {
      if (w.role === "generator") continue;
      const pids = w.tree ? w.pids().flatMap(processTree) : w.pids();
      let rss = 0, pss = 0;
      for (const p of pids) { rss += rssKb(p); if (withPss) pss += pssKb(p); }
      this.peakRssKb.set(w.name, Math.max(this.peakRssKb.get(w.name) ?? 0, rss));
      if (withPss) this.peakPssKb.set(w.name, Math.max(this.peakPssKb.get(w.name) ?? 0, pss));
    }
    const pid = this.bridgePid();
    if (pid !== undefined) {
      const n = socketCount(pid);
      this.peakSockets = Math.max(this.peakSockets, n);
      this.minSockets = Math.min(this.minSockets, n);
    }
  }
}
