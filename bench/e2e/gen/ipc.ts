/**
 * Load-generator child processes: the parent forks a worker (a compiled
 * bench/e2e/gen/*-worker.js) and calls it with request/answer messages over
 * the IPC channel. Workers are separate processes so that their CPU is
 * neither the bridge's nor the harness's, and is measured on its own.
 */
import { fork, type ChildProcess } from "node:child_process";
import fs from "node:fs";

export interface Request { readonly rid: number; readonly op: string; readonly [k: string]: unknown }
export interface Answer { readonly rid: number; readonly ok: boolean; readonly error?: string; readonly [k: string]: unknown }

export class WorkerHandle {
  private rid = 0;
  private readonly waiting = new Map<number, { resolve: (a: Answer) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private exited = false;

  private constructor(readonly name: string, readonly child: ChildProcess) {
    child.on("message", (m: Answer) => {
      const w = this.waiting.get(m.rid);
      if (w === undefined) return;
      this.waiting.delete(m.rid);
      clearTimeout(w.timer);
      if (m.ok) w.resolve(m); else w.reject(new Error(`${name}: ${m.error}`));
    });
    child.on("exit", (code, signal) => {
      this.exited = true;
      for (const w of this.waiting.values()) { clearTimeout(w.timer); w.reject(new Error(`${name} exited (${code ?? signal})`)); }
      this.waiting.clear();
    });
  }

  /** Forks `script` with its output appended to `logFile`. */
  static start(name: string, script: string, logFile: string): WorkerHandle {
    const out = fs.openSync(logFile, "a");
    const child = fork(script, [], { stdio: ["ignore", out, out, "ipc"], execArgv: [] });
    fs.closeSync(out);
    return new WorkerHandle(name, child);
  }

  get pid(): number | undefined {
    return this.exited ? undefined : this.child.pid;
  }

  call<T extends Answer>(op: string, args: Record<string, unknown> = {}, timeoutMs = 60000): Promise<T> {
    if (this.exited) return Promise.reject(new Error(`${this.name} is not running`));
    const rid = ++this.rid;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting.delete(rid); reject(new Error(`${this.name}: ${op} timed out after ${timeoutMs} ms`)); }, timeoutMs);
      this.waiting.set(rid, { resolve: resolve as (a: Answer) => void, reject, timer });
      this.child.send({ rid, op, ...args });
    });
  }

  /** Asks the worker to exit; SIGKILL (by PID) if it has not after `ms`. */
  async stop(ms = 3000): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((r) => this.child.once("exit", () => r()));
    this.call("close", {}, ms).catch(() => {});
    const timer = setTimeout(() => { if (!this.exited) this.child.kill("SIGKILL"); }, ms);
    await gone;
    clearTimeout(timer);
  }
}

/** Worker side: answers each request with what `handlers[op]` returns. */
export function serve(handlers: Record<string, (req: Request) => Promise<Record<string, unknown>> | Record<string, unknown>>): void {
  process.on("message", async (req: Request) => {
    const reply = (a: Record<string, unknown>) => process.send?.({ rid: req.rid, ...a });
    if (req.op === "close") {
      try { await handlers.close?.(req); } catch { /* exiting anyway */ }
      reply({ ok: true });
      setTimeout(() => process.exit(0), 50);
      return;
    }
    const h = handlers[req.op];
    if (h === undefined) { reply({ ok: false, error: `unknown op ${req.op}` }); return; }
    try { reply({ ok: true, ...(await h(req)) }); } catch (e) { reply({ ok: false, error: e instanceof Error ? e.message : String(e) }); }
  });
  process.on("disconnect", () => process.exit(0));
}
