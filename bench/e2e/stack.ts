/**
 * The benchmark's stack on loopback: real Kamailio (example cfg + stox.cfg,
 * shared memory -m 1024, kamailio-module/README.md "Known limits"), real Prosody
 * (example config + mod_stox, log level info) with the benchmark accounts,
 * and the bridge (log level info). The same processes serve all four
 * paths, so one run measures them all. Everything is stopped by PID.
 */
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePorts } from "../../test/support/ports.js";
import { startProcess, tail, type Managed } from "../../test/support/process.js";
import { httpPost, kamailioCommand } from "../../test/support/kamailio.js";
import { startProsody, type ProsodyHandle } from "../../test/support/prosody.js";
import { startBridge } from "../../test/support/bridge.js";
import { processTree } from "./proc-stats.js";

export const SIP_DOMAIN = "sip.stox.test";
export const XMPP_DOMAIN = "xmpp.stox.test";

export interface BenchStack {
  readonly dir: string;
  readonly ports: { sip: number; http: number; evapi: number; c2s: number };
  readonly kamailio: Managed;
  readonly prosody: ProsodyHandle;
  readonly bridge: Managed;
  stop(): Promise<void>;
  logs(): string;
}

export interface StackOptions {
  dir: string;
  /** XMPP accounts to create: name → password. */
  users: { user: string; password: string }[];
  shmMb: number;
  /** Extra bridge flags (e.g. log_level). */
  bridgeFlags?: Record<string, string>;
  /** Extra node flags for the bridge (e.g. --cpu-prof). */
  bridgeNodeFlags?: string[];
  /** Extra environment for Kamailio only (the --kamailio-nodelay diagnosis sets LD_PRELOAD). */
  kamailioEnv?: Record<string, string>;
}

export async function startBenchStack(opts: StackOptions): Promise<BenchStack> {
  const [sip, http, evapi, c2s, s2s] = await freePorts(5) as [number, number, number, number, number];
  const socket = path.join(opts.dir, "bridge.sock");
  const kamDir = path.join(opts.dir, "kamailio");
  fs.mkdirSync(kamDir, { recursive: true });
  const { cmd, args, cwd } = kamailioCommand({
    dir: kamDir, sipPort: sip, httpPort: http, evapiPort: evapi,
    xmppDomains: [XMPP_DOMAIN], sipDomains: [SIP_DOMAIN], timeoutMs: 8000, shmMb: opts.shmMb,
  });
  const kamailio = startProcess("kamailio", cmd, args, path.join(kamDir, "kamailio.log"),
    { cwd, ...(opts.kamailioEnv !== undefined ? { env: { ...process.env, ...opts.kamailioEnv } } : {}) });
  const stopKamailio = async () => {
    const pid = kamailio.child.pid;
    const children = pid === undefined ? [] : processTree(pid).slice(1);
    await kamailio.stop("SIGTERM", 5000);
    const until = Date.now() + 5000;
    let alive = children.filter(isAlive);
    while (alive.length > 0 && Date.now() < until) { await sleep(50); alive = alive.filter(isAlive); }
    for (const p of alive) { try { process.kill(p, "SIGKILL"); } catch { /* gone */ } }
  };
  try {
    await kamailioReady(kamailio, http, evapi);
  } catch (e) {
    await stopKamailio();
    throw e;
  }

  // Prosody's debug log costs more than the traffic: info, as in production.
  process.env.STOX_LOG_LEVEL = "info";
  let prosody: ProsodyHandle;
  try {
    prosody = await startProsody({
      dir: path.join(opts.dir, "prosody"), c2sPort: c2s, s2sPort: s2s, bridgeSocket: socket, vhost: XMPP_DOMAIN,
      sipComponent: SIP_DOMAIN, foreignSipDomains: ["sip.example.org"], users: opts.users,
    });
  } catch (e) {
    await stopKamailio();
    throw e;
  }

  let bridge: Managed;
  try {
    bridge = await startBridgeWith(opts, { evapi, http, socket });
  } catch (e) {
    await prosody.stop();
    await stopKamailio();
    throw e;
  }

  return {
    dir: opts.dir, kamailio, prosody, bridge,
    ports: { sip, http, evapi, c2s },
    async stop() {
      await bridge.stop("SIGTERM", 8000);
      await prosody.stop();
      await stopKamailio();
    },
    logs() {
      return ["--- bridge ---", tail(bridge.log(), 30), "--- kamailio ---", tail(kamailio.log(), 30), "--- prosody ---", prosody.logTail(30)].join("\n");
    },
  };
}

async function startBridgeWith(opts: StackOptions, p: { evapi: number; http: number; socket: string }): Promise<Managed> {
  const flags = { log_level: "info", ...opts.bridgeFlags };
  if (opts.bridgeNodeFlags === undefined || opts.bridgeNodeFlags.length === 0) {
    return startBridge({ dir: opts.dir, evapiPort: p.evapi, prosodySocket: p.socket, logName: "bridge.log", extra: flags },
      [/"msg":"kamailio hello"/, /"msg":"prosody link up"/]);
  }
  // the same command line as test/support/bridge.ts, with node flags in front
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../..");
  const args = [
    ...opts.bridgeNodeFlags, path.join(root, "bin/stox.js"), "bridge",
    `--evapi_port=${p.evapi}`, `--prosody_socket=${p.socket}`, "--prosody_socket_mode=384",
    ...Object.entries(flags).map(([k, v]) => `--${k}=${v}`),
  ];
  const proc = startProcess("bridge", process.execPath, args, path.join(opts.dir, "bridge.log"), { cwd: opts.dir });
  for (const re of [/"msg":"kamailio hello"/, /"msg":"prosody link up"/]) await proc.waitForLog(re, 15000);
  return proc;
}

async function kamailioReady(proc: Managed, httpPort: number, evapiPort: number): Promise<void> {
  const until = Date.now() + 20000;
  let last: unknown;
  while (Date.now() < until) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`kamailio exited:\n${tail(proc.log())}`);
    try {
      const r = await httpPost(httpPort, "/RPC", JSON.stringify({ jsonrpc: "2.0", method: "core.version", id: 1 }), { timeoutMs: 1000 });
      if (r.status === 200) {
        await new Promise<void>((resolve, reject) => {
          const s = net.connect({ host: "127.0.0.1", port: evapiPort });
          s.setTimeout(1000, () => { s.destroy(); reject(new Error("evapi probe timeout")); });
          s.once("error", reject);
          s.once("connect", () => { s.end(); resolve(); });
        });
        return;
      }
    } catch (e) { last = e; }
    await sleep(100);
  }
  throw new Error(`kamailio not ready in 20 s (${String(last)}):\n${tail(proc.log())}`);
}

function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}
