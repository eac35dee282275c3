/**
 * Child processes started by tests: output captured to a log file, stopped by
 * PID (never by name), log tail printed when a test fails.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { hosts } from "./hosts.js";

export interface Managed {
  readonly name: string;
  readonly child: ChildProcess;
  readonly logFile: string;
  /** Resolves once `pattern` appears in the output after character `since` (or rejects after `ms`). */
  waitForLog(pattern: RegExp, ms?: number, since?: number): Promise<void>;
  log(): string;
  stop(signal?: NodeJS.Signals, ms?: number): Promise<void>;
}

export function startProcess(name: string, cmd: string, args: string[], logFile: string, opts: SpawnOptions = {}): Managed {
  const out = fs.openSync(logFile, "a");
  const child = spawn(cmd, args, { stdio: ["ignore", out, out], ...opts });
  fs.closeSync(out);
  let exited = false;
  child.on("exit", () => { exited = true; });
  const log = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
  return {
    name, child, logFile, log,
    async waitForLog(pattern, ms = 15000, since = 0) {
      const until = Date.now() + ms;
      while (Date.now() < until) {
        if (pattern.test(log().slice(since))) return;
        if (exited) throw new Error(`${name} exited (code ${child.exitCode}) before ${pattern}:\n${tail(log())}`);
        await sleep(50);
      }
      throw new Error(`${name}: timeout waiting for ${pattern}:\n${tail(log())}`);
    },
    async stop(signal = "SIGTERM", ms = 5000) {
      if (exited || child.pid === undefined) return;
      const done = new Promise<void>((r) => child.once("exit", () => r()));
      child.kill("SIGCONT"); // a test may have paused it (SIGSTOP); a stopped process ignores SIGTERM
      child.kill(signal);
      const timer = sleep(ms).then(() => { if (!exited) child.kill("SIGKILL"); });
      await Promise.race([done, timer]);
      await done;
    },
  };
}

export function tail(text: string, lines = 60): string {
  return text.split("\n").slice(-lines).join("\n");
}

/** A fresh scratch dir, visible to the host programs of the selected generation (hosts.ts). */
export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(hosts().scratchBase, `stox-${prefix}-`));
}
