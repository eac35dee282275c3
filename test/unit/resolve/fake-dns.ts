/** Test doubles for domain resolution: a zone-backed DnsQuerier that counts questions, and a settable clock. */
import type { DnsAnswer, DnsQuerier, QueryType } from "../../../bridge/src/resolve/dns-client.js";
import type { ResourceRecord } from "../../../bridge/src/resolve/dns-message.js";

export const srv = (name: string, target: string, port: number, ttl = 300, priority = 10, weight = 5): ResourceRecord =>
  ({ name, rrclass: 1, ttl, data: { type: "SRV", priority, weight, port, target } });

export const naptr = (name: string, services: string, replacement: string, ttl = 300): ResourceRecord =>
  ({ name, rrclass: 1, ttl, data: { type: "NAPTR", order: 10, preference: 10, flags: "S", services, regexp: "", replacement } });

/** Answers from a record list: records of the asked name+type, else NODATA for known names, else NXDOMAIN. */
export class FakeDns implements DnsQuerier {
  readonly asked: string[] = [];
  /** Per "name TYPE": a canned answer that wins over the records (failures, timeouts). */
  readonly overrides = new Map<string, DnsAnswer>();
  /** When set, every answer waits for this promise (to hold lookups in flight). */
  gate: Promise<void> | undefined;

  constructor(public records: ResourceRecord[] = []) {}

  async query(name: string, type: QueryType): Promise<DnsAnswer> {
    this.asked.push(`${name} ${type}`);
    if (this.gate !== undefined) await this.gate;
    const override = this.overrides.get(`${name} ${type}`);
    if (override !== undefined) return override;
    const hits = this.records.filter((r) => r.name === name && r.data.type === type);
    if (hits.length > 0) return { kind: "records", records: hits, ttl: Math.min(...hits.map((r) => r.ttl)), truncated: false };
    return this.records.some((r) => r.name === name) ? { kind: "nodata" } : { kind: "nxdomain" };
  }
}

export class FakeClock {
  constructor(public ms = 1_000_000) {}
  readonly now = (): number => this.ms;
  advance(seconds: number): void { this.ms += seconds * 1000; }
}

export const TIMEOUT: DnsAnswer = { kind: "failure", reason: "timeout", detail: "no answer in 2000 ms" };
