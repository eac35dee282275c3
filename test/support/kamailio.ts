/**
 * Starts the example Kamailio (kamailio-module/kamailio.cfg, which includes
 * stox.cfg) for tests: everything it writes stays in `dir`, it listens on
 * 127.0.0.1 only, and stop() ends the main process by PID and checks that
 * every child process is gone.
 */
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startProcess, tail, type Managed } from "./process.js";
import { hosts, type HostCommand } from "./hosts.js";

export interface KamailioOptions {
  dir: string;
  sipPort: number;
  httpPort: number;
  evapiPort: number;
  xmppDomains: string[];
  sipDomains: string[];
  timeoutMs?: number;
  /** Shared memory in MB (-m); load tests need more than the default 256. */
  shmMb?: number;
  /** Extra -A defines: a string value is passed as is (quote strings yourself), true = flag. */
  defines?: Record<string, string | true>;
}

export interface RunningKamailio {
  proc: Managed;
  rpc(method: string, params?: unknown[]): Promise<any>;
  stop(): Promise<void>;
  /** Last lines of Kamailio's log, for failure reports. */
  logTail(lines?: number): string;
}

const DOMAIN = /^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?$/;

/** `<repo>/kamailio-module/kamailio.cfg`, found by walking up from this file. */
export function exampleConfig(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cfg = path.join(dir, "kamailio-module", "kamailio.cfg");
    if (fs.existsSync(cfg)) return cfg;
    dir = path.dirname(dir);
  }
  throw new Error("kamailio-module/kamailio.cfg not found above " + fileURLToPath(import.meta.url));
}

/**
 * Kamailio's command line. `config` is the kamailio.cfg to run and `at` names a
 * path as Kamailio sees it (a chroot moves it: hosts.ts).
 */
export function kamailioArgs(opts: KamailioOptions, config = exampleConfig(), at: (p: string) => string = (p) => p): string[] {
  for (const d of [...opts.xmppDomains, ...opts.sipDomains]) {
    if (!DOMAIN.test(d)) throw new Error(`not a lower-case domain: ${d}`);
  }
  const defines: Record<string, string | true> = {
    STOX_SIP_PORT: String(opts.sipPort),
    STOX_HTTP_PORT: String(opts.httpPort),
    STOX_EVAPI_ADDR: `"127.0.0.1:${opts.evapiPort}"`,
    STOX_XMPP_DOMAINS: `"${opts.xmppDomains.join(",")}"`,
    STOX_SIP_DOMAINS: `"${opts.sipDomains.join(",")}"`,
    ...(opts.timeoutMs !== undefined ? { STOX_TIMEOUT: String(opts.timeoutMs) } : {}),
    ...opts.defines,
  };
  const args = [
    // -M: stox.cfg with pv_buffer_size=131072 outgrew the default 8 MB of private
    // memory (pv_reinit_buffer after parsing found no free 128 KiB fragment).
    "-f", at(config), "-DD", "-E", "-m", String(opts.shmMb ?? 256), "-M", "32",
    "-Y", at(opts.dir), "-P", at(path.join(opts.dir, "kamailio.pid")), "-w", at(opts.dir),
  ];
  for (const [name, value] of Object.entries(defines)) {
    args.push("-A", value === true ? name : `${name}=${value}`);
  }
  return args;
}

/**
 * The command that starts Kamailio for `opts` from the selected host packages
 * (hosts.ts); cwd = opts.dir, as a relative include_file is looked up in the cwd
 * first. A chrooted Kamailio cannot see the repository, so it runs a copy of
 * kamailio-module/*.cfg made in opts.dir.
 */
export function kamailioCommand(opts: KamailioOptions): HostCommand & { cwd: string } {
  fs.mkdirSync(opts.dir, { recursive: true });
  const h = hosts();
  let config = exampleConfig();
  if (h.suite !== "bookworm") {
    const copy = path.join(opts.dir, "cfg");
    fs.mkdirSync(copy, { recursive: true });
    const from = path.dirname(config);
    for (const f of fs.readdirSync(from)) if (f.endsWith(".cfg")) fs.copyFileSync(path.join(from, f), path.join(copy, f));
    config = path.join(copy, path.basename(config));
  }
  return { ...h.command("kamailio", kamailioArgs(opts, config, h.inside), opts.dir), cwd: opts.dir };
}

export async function startKamailio(opts: KamailioOptions): Promise<RunningKamailio> {
  const { cmd, args, cwd } = kamailioCommand(opts);
  const proc = startProcess("kamailio", cmd, args, path.join(opts.dir, "kamailio.log"), { cwd });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let rpcId = 0;

  const rpc = async (method: string, params: unknown[] = []): Promise<any> => {
    const body = JSON.stringify({ jsonrpc: "2.0", method, params, id: ++rpcId });
    const { status, text } = await httpPost(opts.httpPort, "/RPC", body, { agent });
    if (status !== 200) throw new Error(`RPC ${method}: HTTP ${status} ${text}`);
    const answer = JSON.parse(text) as { result?: unknown; error?: { message?: string } };
    if (answer.error) throw new Error(`RPC ${method}: ${answer.error.message ?? JSON.stringify(answer.error)}`);
    return answer.result;
  };

  const stop = async (): Promise<void> => {
    agent.destroy();
    const main = proc.child.pid;
    const children = main === undefined ? [] : descendants(main);
    await proc.stop("SIGTERM", 5000);
    const until = Date.now() + 5000;
    let alive = children.filter(isAlive);
    while (alive.length > 0 && Date.now() < until) {
      await sleep(50);
      alive = alive.filter(isAlive);
    }
    for (const pid of alive) {
      try { process.kill(pid, "SIGKILL"); } catch { /* already gone */ }
    }
    if (alive.length > 0) throw new Error(`kamailio children still alive after stop: ${alive.join(",")}`);
  };

  try {
    await waitReady(proc, rpc, opts.evapiPort);
  } catch (err) {
    await stop().catch(() => {});
    throw err;
  }
  return { proc, rpc, stop, logTail: (lines = 80) => tail(proc.log(), lines) };
}

async function waitReady(proc: Managed, rpc: (m: string) => Promise<unknown>, evapiPort: number): Promise<void> {
  const until = Date.now() + 15000;
  let lastErr: unknown;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
      throw new Error(`kamailio exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${tail(proc.log())}`);
    }
    try {
      await rpc("core.version");
      await probeTcp(evapiPort);
      return;
    } catch (err) {
      lastErr = err;
      await sleep(100);
    }
  }
  throw new Error(`kamailio not ready within 15 s (${String(lastErr)}):\n${tail(proc.log())}`);
}

function probeTcp(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.setTimeout(1000, () => { s.destroy(); reject(new Error("evapi probe timeout")); });
    s.once("error", reject);
    s.once("connect", () => { s.end(); resolve(); });
  });
}

export interface HttpAnswer { status: number; text: string }

/** One HTTP/1.1 POST to 127.0.0.1:port, bounded by `timeoutMs`. */
export function httpPost(
  port: number,
  pathName: string,
  body: string | Buffer,
  opts: { agent?: http.Agent; headers?: Record<string, string>; localAddress?: string; method?: string; timeoutMs?: number } = {},
): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1", port, path: pathName, method: opts.method ?? "POST", agent: opts.agent,
        localAddress: opts.localAddress,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 5000, () => req.destroy(new Error(`HTTP ${pathName}: timeout`)));
    req.on("error", reject);
    req.end(body);
  });
}

/** PIDs of all processes below `pid` (from /proc). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      parentOf.set(Number(name), ppid);
    } catch { /* process ended while listing */ }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const p = queue.shift()!;
    for (const [child, parent] of parentOf) {
      if (parent === p) { out.push(child); queue.push(child); }
    }
  }
  return out;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // a zombie still answers kill(0): check its state
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
