/**
 * A real Prosody 0.12 for tests, run from `prosody-module/prosody.cfg.lua` (copied
 * into `dir`, driven by STOX_* environment variables), loopback only. Everything it
 * writes (config copy, data, logs, pidfile) stays inside `dir`; it is stopped by PID.
 *
 *   const p = await startProsody({ dir, c2sPort, bridgeSocket, vhost: "xmpp.stox.test",
 *     sipComponent: "sip.stox.test", foreignSipDomains: ["sip.example.org"],
 *     users: [{ user: "alice", password: "pw" }] });
 *   ...; await p.stop();
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { setTimeout as sleep } from "node:timers/promises";
import { startProcess, tail, type Managed } from "./process.js";
import { freePort } from "./ports.js";
import { hosts } from "./hosts.js";

export interface ProsodyOptions {
  dir: string;
  c2sPort: number;
  bridgeSocket: string;
  vhost: string;
  sipComponent: string;
  foreignSipDomains: string[];
  users: { user: string; password: string }[];
  /** stox_queue_timeout, seconds (default 30). */
  queueTimeout?: number;
  /** stox_reconnect_max, seconds: keeps reconnects quick in tests (default 1). */
  reconnectMax?: number;
  /** network_settings.read_timeout, seconds: when the keepalive ping is sent. */
  readTimeout?: number;
  /** s2s port on 127.0.0.1 (default: a free one). */
  s2sPort?: number;
  /** Connect to the bridge over loopback TCP on this port instead of `bridgeSocket`. */
  bridgeTcpPort?: number;
  /** stox_secret, sent in hello. */
  secret?: string;
  /** Load mod_smacks (XEP-0198). */
  smacks?: boolean;
  /** stox_queue_size (default 1000). */
  queueSize?: number;
  /** stox_done_timeout, seconds (default 120). */
  doneTimeout?: number;
  /** "IP:port" of the only DNS server Prosody's resolver may ask (a test dnsmasq); default: none reachable. */
  dnsServer?: string;
}

export interface ProsodyHandle {
  readonly proc: Managed;
  /** Prosody's own debug log (the console output is `proc.logFile`). */
  readonly logFile: string;
  logTail(lines?: number): string;
  /** Runs `prosodyctl shell CMD` against the running server (mod_admin_shell). */
  shell(command: string): string;
  stop(): Promise<void>;
  restart(): Promise<void>;
}

/** The repository's `prosody-module/`, found upwards from this file (works from `dist/` too). */
export function prosodyModuleDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, "prosody-module");
    if (fs.existsSync(path.join(candidate, "mod_stox.lua"))) return candidate;
    const up = path.dirname(dir);
    if (up === dir) throw new Error("prosody-module/mod_stox.lua not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: "127.0.0.1", port });
    s.once("connect", () => { s.destroy(); resolve(true); });
    s.once("error", () => resolve(false));
  });
}

/**
 * The folder holding mod_stox for Prosody from the selected host packages
 * (hosts.ts): the repository's, or a copy in `dir` that a chrooted Prosody can see.
 */
function pluginDir(dir: string): string {
  if (hosts().suite === "bookworm") return prosodyModuleDir();
  const copy = path.join(dir, "plugins");
  fs.mkdirSync(copy, { recursive: true });
  for (const f of fs.readdirSync(prosodyModuleDir())) {
    if (f.endsWith(".lua")) fs.copyFileSync(path.join(prosodyModuleDir(), f), path.join(copy, f));
  }
  return copy;
}

export async function startProsody(opts: ProsodyOptions): Promise<ProsodyHandle> {
  const dir = path.resolve(opts.dir);
  const h = hosts();
  const at = h.inside; // a path as Prosody sees it
  for (const sub of ["data", "certs"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const config = path.join(dir, "prosody.cfg.lua");
  fs.copyFileSync(path.join(prosodyModuleDir(), "prosody.cfg.lua"), config);
  // DNS never leaves the machine: a resolver pointing at loopback and an empty hosts file.
  fs.writeFileSync(path.join(dir, "resolv.conf"), "nameserver 127.0.0.1\n");
  fs.writeFileSync(path.join(dir, "hosts"), "127.0.0.1 localhost\n");

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    STOX_RUN_DIR: at(dir),
    STOX_PLUGIN_DIR: at(pluginDir(dir)),
    STOX_C2S_PORT: String(opts.c2sPort),
    STOX_S2S_PORT: String(opts.s2sPort ?? await freePort()),
    STOX_SOCKET: at(opts.bridgeSocket),
    STOX_VHOST: opts.vhost,
    STOX_SIP_COMPONENT: opts.sipComponent,
    STOX_SIP_DOMAINS: opts.foreignSipDomains.join(","),
    STOX_QUEUE_TIMEOUT: String(opts.queueTimeout ?? 30),
    STOX_RECONNECT_MAX: String(opts.reconnectMax ?? 1),
    STOX_RESOLVCONF: at(path.join(dir, "resolv.conf")),
    STOX_HOSTS: at(path.join(dir, "hosts")),
    STOX_RUN_AS_ROOT: process.getuid?.() === 0 ? "1" : "0",
  };
  const optional: [string, unknown][] = [
    ["STOX_READ_TIMEOUT", opts.readTimeout], ["STOX_TCP_PORT", opts.bridgeTcpPort], ["STOX_SECRET", opts.secret],
    ["STOX_QUEUE_SIZE", opts.queueSize], ["STOX_DONE_TIMEOUT", opts.doneTimeout], ["STOX_SMACKS", opts.smacks ? "1" : undefined],
    ["STOX_DNS", opts.dnsServer?.replace(/:(\d+)$/, "@$1")], // libunbound's forwarder syntax: IP@port
  ];
  for (const [name, value] of optional) if (value !== undefined) env[name] = String(value);

  const prosodyctl = (...args: string[]) => {
    const { cmd, args: argv } = h.command("prosodyctl", ["--config", at(config), ...args]);
    return spawnSync(cmd, argv, { env, encoding: "utf8", timeout: 20_000 });
  };
  for (const { user, password } of opts.users) {
    const r = prosodyctl("register", user, opts.vhost, password);
    if (r.status !== 0) throw new Error(`prosodyctl register ${user} failed (${r.status}): ${r.stderr}${r.stdout}`);
  }

  const logFile = path.join(dir, "prosody.log");
  let proc: Managed;
  let run = 0;

  const launch = async () => {
    run += 1;
    const { cmd, args } = h.command("prosody", ["--config", at(config), "-F"]);
    proc = startProcess("prosody", cmd, args, path.join(dir, `console-${run}.log`), { env });
    await proc.waitForLog(/Activated service 'c2s' on \[127\.0\.0\.1\]/, 15_000);
    const until = Date.now() + 10_000;
    while (!(await portOpen(opts.c2sPort))) {
      if (Date.now() > until) throw new Error(`prosody: c2s port ${opts.c2sPort} never opened:\n${tail(proc.log())}`);
      await sleep(50);
    }
  };
  await launch();

  return {
    get proc() { return proc; },
    logFile,
    logTail: (lines = 80) => tail(fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "", lines),
    shell: (command: string) => {
      const r = prosodyctl("shell", command);
      if (r.status !== 0) throw new Error(`prosodyctl shell ${command} failed (${r.status}): ${r.stderr}${r.stdout}`);
      return r.stdout;
    },
    stop: () => proc.stop("SIGTERM", 8_000),
    restart: async () => { await proc.stop("SIGTERM", 8_000); await launch(); },
  };
}
