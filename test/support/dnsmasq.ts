/**
 * A real DNS server for resolution tests: dnsmasq on 127.0.0.1 and a free high
 * port, authoritative for the test zone only (nothing is forwarded anywhere:
 * --no-resolv, --local for each zone), every query logged so a test can count
 * them. Started and stopped by PID; its files stay in `dir`.
 *
 *   const dns = await startDnsmasq({ dir, ttl: 3, zone: {
 *     srv: [{ name: "_xmpp-server._tcp.x.test", target: "xmpp.x.test", port: 5269 }],
 *     naptr: [{ name: "s.test", service: "SIP+D2U", replacement: "_sip._udp.s.test" }],
 *     hosts: [{ name: "xmpp.x.test", address: "127.0.0.1" }] } });
 *   dns.count("_xmpp-server._tcp.x.test", "SRV"); // queries seen so far
 */
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startProcess, tail, type Managed } from "./process.js";
import { DnsClient } from "../../bridge/src/resolve/dns-client.js";

export interface SrvEntry { name: string; target?: string; port?: number; priority?: number; weight?: number }
export interface NaptrEntry { name: string; service: string; replacement: string; order?: number; preference?: number; flags?: string }
export interface Zone {
  /** An SRV without target is the RFC 2782 "service not offered" record (target "."). */
  srv?: SrvEntry[];
  naptr?: NaptrEntry[];
  hosts?: Array<{ name: string; address: string }>;
}

export interface DnsmasqOptions {
  dir: string;
  zone: Zone;
  /** TTL of every answer (dnsmasq --local-ttl). */
  ttl?: number;
  /** Zones answered locally (NXDOMAIN/NODATA for unknown names); default ["test"]. */
  local?: string[];
}

export interface LoggedQuery { type: string; name: string }

export interface RunningDnsmasq {
  readonly proc: Managed;
  readonly port: number;
  /** "127.0.0.1:PORT", the form the bridge's dns_server and `stox resolve --dns` take. */
  readonly address: string;
  readonly logFile: string;
  queries(): LoggedQuery[];
  /** Queries for `name` (case-insensitive), of `type` when given. */
  count(name: string, type?: string): number;
  /** Queries for names ending in `suffix`. */
  countUnder(suffix: string): number;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1 (dnsmasq binds both). */
export async function freeDnsPort(): Promise<number> {
  for (let i = 0; i < 50; i++) {
    const udp = dgram.createSocket("udp4");
    const port = await new Promise<number>((resolve, reject) => {
      udp.once("error", reject);
      udp.bind(0, "127.0.0.1", () => resolve(udp.address().port));
    });
    const tcpFree = await new Promise<boolean>((resolve) => {
      const s = net.createServer();
      s.once("error", () => resolve(false));
      s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
    });
    udp.close();
    if (tcpFree) return port;
  }
  throw new Error("no free UDP+TCP port");
}

export function dnsmasqArgs(opts: DnsmasqOptions, port: number, logFile: string): string[] {
  const args = [
    "--no-daemon", "--conf-file=/dev/null", "--no-resolv", "--no-hosts", "--no-poll",
    `--port=${port}`, "--listen-address=127.0.0.1", "--bind-interfaces",
    "--log-queries", `--log-facility=${logFile}`, `--local-ttl=${opts.ttl ?? 60}`, "--user=root",
  ];
  for (const zone of opts.local ?? ["test"]) args.push(`--local=/${zone}/`);
  for (const s of opts.zone.srv ?? []) {
    args.push(s.target === undefined
      ? `--srv-host=${s.name}`
      : `--srv-host=${s.name},${s.target},${s.port ?? 0},${s.priority ?? 0},${s.weight ?? 0}`);
  }
  for (const n of opts.zone.naptr ?? []) {
    args.push(`--naptr-record=${n.name},${n.order ?? 10},${n.preference ?? 10},${n.flags ?? "S"},${n.service},,${n.replacement}`);
  }
  for (const h of opts.zone.hosts ?? []) args.push(`--host-record=${h.name},${h.address}`);
  return args;
}

export async function startDnsmasq(opts: DnsmasqOptions): Promise<RunningDnsmasq> {
  fs.mkdirSync(opts.dir, { recursive: true });
  const port = await freeDnsPort();
  const logFile = path.join(opts.dir, "queries.log");
  const proc = startProcess("dnsmasq", "dnsmasq", dnsmasqArgs(opts, port, logFile), path.join(opts.dir, "dnsmasq.out"));
  const read = () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, "utf8") : "");
  const queries = (): LoggedQuery[] => [...read().matchAll(/query\[([A-Z0-9]+)\] (\S+) from/g)].map((m) => ({ type: m[1]!, name: m[2]!.toLowerCase() }));
  const running: RunningDnsmasq = {
    proc, port, address: `127.0.0.1:${port}`, logFile, queries,
    count: (name, type) => queries().filter((q) => q.name === name.toLowerCase() && (type === undefined || q.type === type)).length,
    countUnder: (suffix) => queries().filter((q) => q.name.endsWith(suffix.toLowerCase())).length,
    stop: () => proc.stop("SIGTERM", 3000),
  };
  // Ready when it answers (a probe name outside every test zone's records).
  const probe = new DnsClient({ server: { host: "127.0.0.1", port }, timeoutMs: 300, attempts: 1 });
  const until = Date.now() + 10_000;
  for (;;) {
    if (proc.child.exitCode !== null) throw new Error(`dnsmasq exited (${proc.child.exitCode}):\n${tail(proc.log())}`);
    const a = await probe.query("ready.probe.invalid", "SRV");
    if (a.kind !== "failure" || a.reason !== "timeout" && a.reason !== "network") break;
    if (Date.now() > until) {
      await proc.stop("SIGKILL");
      throw new Error(`dnsmasq did not answer on ${port}:\n${tail(proc.log())}`);
    }
    await sleep(50);
  }
  return running;
}
