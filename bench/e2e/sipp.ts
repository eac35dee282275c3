/**
 * sipp as the SIP load generator (UAC) and, for the native SIP ceiling, as
 * the UAS. Scenarios: bench/e2e/sipp/*.xml. Latencies come from the
 * scenarios' logs (microsecond [timestamp]s), not from sipp's millisecond
 * response-time statistics.
 */
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export function scenario(root: string, name: string): string {
  return path.join(root, "bench/e2e/sipp", name);
}

export interface UacRun {
  readonly child: ChildProcess;
  /** Resolves when sipp has exited (all calls answered, failed or timed out). */
  readonly done: Promise<UacResult>;
}

export interface UacResult {
  readonly exit: number | null;
  /** MESSAGEs sent (first transmissions). */
  readonly sent: number;
  /** Calls answered 200. */
  readonly ok: number;
  /** MESSAGE → 200 round trips, ms. */
  readonly rtt: number[];
  /** First send to last send, ms (the achieved offered rate is sent / this). */
  readonly sendSpanMs: number;
  readonly retransmissions: number;
  readonly failed: number;
}

/**
 * One sipp UAC run: `count` MESSAGEs at `rate`/s over UDP to Kamailio, each
 * to the next target of `targets` (R-URI and To, without "sip:").
 */
export function runUac(opts: {
  root: string; dir: string; kamailioPort: number; localPort: number; targets: string[]; from: string;
  rate: number; count: number; step: number; timeoutSec: number;
}): UacRun {
  const tag = `uac-k${opts.step}`;
  const inf = path.join(opts.dir, `${tag}.csv`);
  fs.writeFileSync(inf, "SEQUENTIAL\n" + opts.targets.map((t) => `${t};\n`).join(""));
  const logFile = path.join(opts.dir, `${tag}.log`);
  const outFile = path.join(opts.dir, `${tag}.out`);
  fs.rmSync(logFile, { force: true });
  const out = fs.openSync(outFile, "w");
  const child = spawn("sipp", [
    "-sf", scenario(opts.root, "uac-message.xml"), "-inf", inf,
    "-key", "step", String(opts.step), "-key", "from", opts.from,
    "-i", "127.0.0.1", "-p", String(opts.localPort), "-t", "u1",
    "-r", String(opts.rate), "-rp", "1000", "-m", String(opts.count), "-l", String(Math.max(2000, opts.rate * 4)),
    "-nd", "-timeout", `${opts.timeoutSec}s`, "-buff_size", String(4 << 20),
    "-trace_logs", "-log_file", logFile,
    `127.0.0.1:${opts.kamailioPort}`,
  ], { cwd: opts.dir, stdio: ["ignore", out, out] });
  fs.closeSync(out);
  // sipp's own -timeout only stops new calls: calls whose answer was lost keep
  // retransmitting. SIGTERM ends it (its logs are flushed); SIGKILL if it lingers.
  let hard: NodeJS.Timeout | undefined;
  const kill = setTimeout(() => {
    child.kill("SIGTERM");
    hard = setTimeout(() => child.kill("SIGKILL"), 3000);
  }, opts.timeoutSec * 1000);
  const done = new Promise<UacResult>((resolve) => {
    child.on("exit", (code) => {
      clearTimeout(kill);
      clearTimeout(hard);
      resolve(parseUac(logFile, outFile, code));
    });
  });
  return { child, done };
}

function parseUac(logFile: string, outFile: string, exit: number | null): UacResult {
  const sentAt = new Map<number, number>();
  const rtt: number[] = [];
  let first = Infinity, last = -Infinity, ok = 0;
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "";
  for (const line of text.split("\n")) {
    // "S 17 2026-11-21\t07:25:23.789594\t1795245923.789594"
    const kind = line[0];
    if (kind !== "S" && kind !== "A") continue;
    const sp = line.indexOf(" ", 2);
    const n = Number(line.slice(2, sp));
    const t = Number(line.slice(line.lastIndexOf("\t") + 1)) * 1000;
    if (kind === "S") {
      sentAt.set(n, t);
      if (t < first) first = t;
      if (t > last) last = t;
    } else {
      ok++;
      const s = sentAt.get(n);
      if (s !== undefined) rtt.push(Math.round((t - s) * 1000) / 1000);
    }
  }
  const screen = fs.existsSync(outFile) ? fs.readFileSync(outFile, "utf8") : "";
  const m = /MESSAGE ---------->\s+(\d+)\s+(\d+)/g;
  let retrans = 0;
  for (let hit = m.exec(screen); hit; hit = m.exec(screen)) retrans = Number(hit[2]);
  const f = /Failed call\s+\|\s+\d+\s+\|\s+(\d+)/g;
  let failed = 0;
  for (let hit = f.exec(screen); hit; hit = f.exec(screen)) failed = Number(hit[1]);
  return { exit, sent: sentAt.size, ok, rtt, sendSpanMs: sentAt.size > 1 ? last - first : 0, retransmissions: retrans, failed };
}

/** The native-ceiling UAS: sipp answering 200 to every MESSAGE, logging arrivals. */
export class SippUas {
  private offset = 0;
  private readonly pending = new Map<number, { n: number; lat: number[] }>();

  private constructor(readonly child: ChildProcess, private readonly logFile: string) {}

  static async start(opts: { root: string; dir: string; port: number; maxSeconds: number }): Promise<SippUas> {
    const logFile = path.join(opts.dir, "uas.log");
    fs.rmSync(logFile, { force: true });
    const out = fs.openSync(path.join(opts.dir, "uas.out"), "w");
    const child = spawn("sipp", [
      "-sf", scenario(opts.root, "uas-message.xml"), "-i", "127.0.0.1", "-p", String(opts.port), "-t", "u1",
      "-nd", "-timeout", `${opts.maxSeconds}s`, "-buff_size", String(4 << 20), "-trace_logs", "-log_file", logFile,
    ], { cwd: opts.dir, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    await sleep(300);
    if (child.exitCode !== null) throw new Error(`sipp UAS exited at once (${child.exitCode}): ${fs.readFileSync(path.join(opts.dir, "uas.out"), "utf8").slice(-800)}`);
    return new SippUas(child, logFile);
  }

  get pid(): number | undefined {
    return this.child.exitCode === null ? this.child.pid : undefined;
  }

  count(step: number): number {
    this.readNew();
    return this.pending.get(step)?.n ?? 0;
  }

  /** Arrivals logged for `step` so far (each log line read once). */
  take(step: number): { n: number; lat: number[] } {
    this.readNew();
    const s = this.pending.get(step) ?? { n: 0, lat: [] };
    this.pending.delete(step);
    return s;
  }

  private readNew(): void {
    if (!fs.existsSync(this.logFile)) return;
    const fd = fs.openSync(this.logFile, "r");
    try {
      const size = fs.fstatSync(fd).size;
      if (size <= this.offset) return;
      const buf = Buffer.alloc(size - this.offset);
      fs.readSync(fd, buf, 0, buf.length, this.offset);
      const text = buf.toString("utf8");
      const end = text.lastIndexOf("\n");
      if (end < 0) return;
      this.offset += Buffer.byteLength(text.slice(0, end + 1));
      for (const line of text.slice(0, end).split("\n")) {
        // "R k12 1795245923.790744 2026-11-21\t07:25:23.790992\t1795245923.790992"
        const m = /^R k(\d+) (\d+\.\d+) .*\t(\d+\.\d+)$/.exec(line);
        if (!m) continue;
        const step = Number(m[1]);
        let s = this.pending.get(step);
        if (s === undefined) { s = { n: 0, lat: [] }; this.pending.set(step, s); }
        s.n++;
        s.lat.push(Math.round((Number(m[3]) - Number(m[2])) * 1e6) / 1000);
      }
    } finally {
      fs.closeSync(fd);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.child.kill("SIGTERM");
    const t = setTimeout(() => this.child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(t);
  }
}
