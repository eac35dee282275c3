/**
 * A second, plain Prosody 0.12 (no stox) serving "foreign" XMPP domains, for
 * real server-to-server tests (two VirtualHosts in one instance never use s2s:
 * prosody-module/README.md "Tests"). Loopback only, dialback without TLS, its
 * resolver pointed at a test DNS server; stopped by PID; files in `dir`.
 *
 *   const b = await startPeerProsody({ dir, hosts: ["b.test"], dns: "127.0.0.1:5353",
 *     users: [{ user: "alice", host: "b.test", password: "pw" }] });
 *   b.c2sPort; b.s2sPort; await b.stop();
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { startProcess, tail, type Managed } from "./process.js";
import { freePort } from "./ports.js";
import { hosts } from "./hosts.js";

export interface PeerProsodyOptions {
  dir: string;
  hosts: string[];
  users: Array<{ user: string; host: string; password: string }>;
  /** "IP:port" of the DNS server (libunbound forwarder). */
  dns: string;
  s2sPort?: number;
}

export interface PeerProsody {
  readonly proc: Managed;
  readonly c2sPort: number;
  readonly s2sPort: number;
  logTail(lines?: number): string;
  stop(): Promise<void>;
}

const lua = (s: string) => JSON.stringify(s); // a JSON string is a valid Lua string literal for these values

export async function startPeerProsody(opts: PeerProsodyOptions): Promise<PeerProsody> {
  const dir = path.resolve(opts.dir);
  for (const sub of ["data", "certs"]) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  const c2sPort = await freePort();
  const s2sPort = opts.s2sPort ?? await freePort();
  const gen = hosts();
  const at = gen.inside; // a path as Prosody sees it
  const config = path.join(dir, "peer.cfg.lua");
  fs.writeFileSync(config, [
    `run_as_root = ${process.getuid?.() === 0}`,
    `pidfile = ${lua(at(path.join(dir, "prosody.pid")))}`,
    `data_path = ${lua(at(path.join(dir, "data")))}`,
    `certificates = ${lua(at(path.join(dir, "certs")))}`,
    `interfaces = { "127.0.0.1" }`,
    `c2s_ports = { ${c2sPort} }`,
    `s2s_interfaces = { "127.0.0.1" }`,
    `s2s_ports = { ${s2sPort} }`,
    // libunbound answers the RFC 6761 name "test." itself unless that zone is transparent
    `unbound = { resolvconf = false, hoststxt = false, forward = ${lua(opts.dns.replace(/:(\d+)$/, "@$1"))}, options = { ["local-zone:"] = "test. transparent" } }`,
    `log = { { levels = { min = "debug" }, to = "file", filename = ${lua(at(path.join(dir, "prosody.log")))} }; { levels = { min = "info" }, to = "console" } }`,
    `modules_enabled = { "roster"; "saslauth"; "disco"; "dialback"; "ping" }`,
    `c2s_require_encryption = false`,
    `s2s_require_encryption = false`,
    `s2s_secure_auth = false`,
    `authentication = "internal_hashed"`,
    ...opts.hosts.map((h) => `VirtualHost ${lua(h)}`),
    "",
  ].join("\n"));
  for (const { user, host, password } of opts.users) {
    const { cmd, args } = gen.command("prosodyctl", ["--config", at(config), "register", user, host, password]);
    const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 20_000 });
    if (r.status !== 0) throw new Error(`prosodyctl register ${user}@${host} failed (${r.status}): ${r.stderr}${r.stdout}`);
  }
  const { cmd, args } = gen.command("prosody", ["--config", at(config), "-F"]);
  const proc = startProcess("prosody-peer", cmd, args, path.join(dir, "console.log"));
  await proc.waitForLog(/Activated service 'c2s' on \[127\.0\.0\.1\]/, 15_000);
  await proc.waitForLog(/Activated service 's2s' on \[127\.0\.0\.1\]/, 15_000);
  const logFile = path.join(dir, "prosody.log");
  return {
    proc, c2sPort, s2sPort,
    logTail: (lines = 60) => tail(fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "", lines),
    stop: () => proc.stop("SIGTERM", 8_000),
  };
}
