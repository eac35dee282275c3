/**
 * A small stub resolver over UDP (RFC 1035 §4.2.1) that keeps what
 * node:dns throws away: record TTLs, and NXDOMAIN apart from NODATA
 * (RFC 2308). One query = one fresh socket (random source port and id,
 * RFC 5452), connected to the server so that an ICMP refusal is seen at
 * once; the answer must match id and question. No TCP fallback: a truncated
 * answer is used for what it holds.
 *
 *   const dns = new DnsClient({ server: { host: "127.0.0.1", port: 5353 }, timeoutMs: 2000 });
 *   await dns.query("_xmpp-server._tcp.example.com", "SRV");
 *   // { kind: "records", records: [{ name, ttl, data: { type: "SRV", port: 5269, ... } }], ttl: 3600 }
 */
import dgram from "node:dgram";
import fs from "node:fs";
import net from "node:net";
import { randomInt } from "node:crypto";
import { err, ok, type Result } from "../../../common/src/result.js";
import { decodeMessage, encodeQuery, RCODE, RR_TYPES, sameName, type DnsMessage, type ResourceRecord, type RrType } from "./dns-message.js";

export type QueryType = Exclude<RrType, "OPT">;
export type FailureReason = "timeout" | "servfail" | "refused" | "bad-answer" | "truncated" | "network" | "bad-name";

export type DnsAnswer =
  /** Records of the asked type (after any CNAME chain); `ttl` = the smallest TTL involved. */
  | { readonly kind: "records"; readonly records: readonly ResourceRecord[]; readonly ttl: number; readonly truncated: boolean }
  /** RFC 2308: the name does not exist / exists without that type. `ttl` from the SOA, when given. */
  | { readonly kind: "nxdomain" | "nodata"; readonly ttl?: number }
  /** No usable answer: the lookup could not decide anything. */
  | { readonly kind: "failure"; readonly reason: FailureReason; readonly detail: string };

/** What the resolver needs from DNS; tests inject fakes. */
export interface DnsQuerier {
  query(name: string, type: QueryType): Promise<DnsAnswer>;
}

export interface ServerAddress { readonly host: string; readonly port: number }

/** The part of a node:dgram socket the client uses, so a test can pass a fake. */
export interface DatagramSocket {
  on(event: "message", cb: (msg: Buffer) => void): unknown;
  on(event: "error", cb: (e: Error) => void): unknown;
  connect(port: number, host: string, cb: () => void): void;
  send(msg: Buffer): void;
  close(): void;
}

export interface DnsClientOptions {
  readonly server: ServerAddress;
  /** Whole budget for one query, all attempts together. */
  readonly timeoutMs: number;
  /** Sends per query (the first plus retransmissions), each with an equal share of the budget. */
  readonly attempts?: number;
  readonly createSocket?: (family: 4 | 6) => DatagramSocket;
}

export class DnsClient implements DnsQuerier {
  private readonly attempts: number;
  private readonly createSocket: (family: 4 | 6) => DatagramSocket;

  constructor(private readonly opts: DnsClientOptions) {
    this.attempts = Math.max(1, opts.attempts ?? 2);
    this.createSocket = opts.createSocket ?? ((family) => dgram.createSocket(family === 6 ? "udp6" : "udp4") as unknown as DatagramSocket);
  }

  get server(): ServerAddress {
    return this.opts.server;
  }

  async query(name: string, type: QueryType): Promise<DnsAnswer> {
    const perAttempt = Math.max(1, Math.floor(this.opts.timeoutMs / this.attempts));
    let last: DnsAnswer = { kind: "failure", reason: "timeout", detail: `no answer from ${fmt(this.opts.server)} in ${this.opts.timeoutMs} ms` };
    for (let i = 0; i < this.attempts; i++) {
      const id = randomInt(0x10000);
      const packet = encodeQuery(id, name, type);
      if (!packet.ok) return { kind: "failure", reason: "bad-name", detail: packet.error.detail };
      const a = await this.exchange(packet.value, id, name, type, perAttempt);
      // Only silence and unreadable answers are worth a retransmission.
      if (a.kind !== "failure" || (a.reason !== "timeout" && a.reason !== "bad-answer" && a.reason !== "network")) return a;
      last = a;
    }
    return last;
  }

  private exchange(packet: Buffer, id: number, name: string, type: QueryType, ms: number): Promise<DnsAnswer> {
    const { host, port } = this.opts.server;
    return new Promise((resolve) => {
      let socket: DatagramSocket;
      try { socket = this.createSocket(net.isIPv6(host) ? 6 : 4); } catch (e) {
        resolve({ kind: "failure", reason: "network", detail: String(e) });
        return;
      }
      let settled = false;
      let unreadable: string | undefined;
      const finish = (a: DnsAnswer) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        try { socket.close(); } catch { /* already closed */ }
        resolve(a);
      };
      const timer = setTimeout(() => finish(unreadable !== undefined
        ? { kind: "failure", reason: "bad-answer", detail: unreadable }
        : { kind: "failure", reason: "timeout", detail: `no answer from ${fmt(this.opts.server)} in ${ms} ms` }), ms);
      socket.on("error", (e) => finish({ kind: "failure", reason: "network", detail: e.message }));
      socket.on("message", (msg) => {
        const decoded = decodeMessage(msg);
        if (!decoded.ok) { unreadable = `${decoded.error.kind}: ${decoded.error.detail}`; return; }
        const m = decoded.value;
        // RFC 5452 §9.1: the answer must echo our id and our question; anything else is ignored.
        if (!m.qr || m.id !== id || m.questions.length !== 1 || !sameName(m.questions[0]!.name, name) || m.questions[0]!.type !== RR_TYPES[type]) {
          unreadable = "answer does not match the query";
          return;
        }
        finish(interpret(m, name, type));
      });
      try {
        socket.connect(port, host, () => {
          try { socket.send(packet); } catch (e) { finish({ kind: "failure", reason: "network", detail: String(e) }); }
        });
      } catch (e) {
        finish({ kind: "failure", reason: "network", detail: String(e) });
      }
    });
  }
}

/** The answer section read for one question: CNAME chain followed, RFC 2308 negative TTL. */
export function interpret(m: DnsMessage, name: string, type: QueryType): DnsAnswer {
  if (m.rcode === RCODE.SERVFAIL) return { kind: "failure", reason: "servfail", detail: "SERVFAIL" };
  if (m.rcode === RCODE.REFUSED) return { kind: "failure", reason: "refused", detail: "REFUSED" };
  if (m.rcode !== RCODE.NOERROR && m.rcode !== RCODE.NXDOMAIN) return { kind: "failure", reason: "bad-answer", detail: `rcode ${m.rcode}` };
  const owners = [name];
  const ttls: number[] = [];
  // RFC 1034 §3.6.2: the owner may be an alias; follow at most 8 links of the chain.
  for (let hops = 0; hops < 8; hops++) {
    const link = m.answers.find((rr) => rr.data.type === "CNAME" && sameName(rr.name, owners[owners.length - 1]!));
    if (link === undefined || link.data.type !== "CNAME" || owners.some((o) => sameName(o, (link.data as { target: string }).target))) break;
    owners.push(link.data.target);
    ttls.push(link.ttl);
  }
  const records = m.answers.filter((rr) => rr.data.type === type && owners.some((o) => sameName(o, rr.name)));
  if (records.length > 0) {
    return { kind: "records", records, ttl: Math.min(...ttls, ...records.map((r) => r.ttl)), truncated: m.tc };
  }
  if (m.tc) return { kind: "failure", reason: "truncated", detail: "truncated answer without records" };
  // RFC 2308 §5: a negative answer lives for min(SOA TTL, SOA MINIMUM).
  const soa = m.authority.find((rr) => rr.data.type === "SOA");
  const ttl = soa !== undefined && soa.data.type === "SOA" ? Math.min(soa.ttl, soa.data.minimum) : undefined;
  const kind = m.rcode === RCODE.NXDOMAIN ? "nxdomain" : "nodata";
  return ttl !== undefined ? { kind, ttl } : { kind };
}

function fmt(s: ServerAddress): string {
  return net.isIPv6(s.host) ? `[${s.host}]:${s.port}` : `${s.host}:${s.port}`;
}

/** "127.0.0.1:5353", "[::1]:53", "127.0.0.1" (port 53). IP literals only. */
export function parseServerAddress(spec: string): Result<ServerAddress, string> {
  const m = /^\[([0-9a-f:.]+)\](?::(\d{1,5}))?$/i.exec(spec) ?? /^([0-9.]+)(?::(\d{1,5}))?$/.exec(spec) ?? /^([0-9a-f:]*:[0-9a-f:.]*)$/i.exec(spec);
  if (!m || net.isIP(m[1]!) === 0) return err(`not an IP address[:port]: ${spec}`);
  const port = m[2] === undefined ? 53 : Number(m[2]);
  if (port < 1 || port > 65535) return err(`port out of range: ${spec}`);
  return ok({ host: m[1]!, port });
}

/** The first `nameserver` of a resolv.conf text (what the system resolver would ask). */
export function firstNameserver(resolvConf: string): ServerAddress | undefined {
  for (const line of resolvConf.split("\n")) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && net.isIP(m[1]!.replace(/%.*$/, "")) !== 0) return { host: m[1]!.replace(/%.*$/, ""), port: 53 };
  }
  return undefined;
}

/** `dns_server` if set, else the system's first nameserver, else 127.0.0.1:53. */
export function defaultServer(configured: string | undefined, resolvConfPath = "/etc/resolv.conf"): Result<ServerAddress, string> {
  if (configured !== undefined && configured !== "") return parseServerAddress(configured);
  let text = "";
  try { text = fs.readFileSync(resolvConfPath, "utf8"); } catch { /* no resolv.conf: loopback */ }
  return ok(firstNameserver(text) ?? { host: "127.0.0.1", port: 53 });
}
