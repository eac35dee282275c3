/**
 * DNS messages (RFC 1035 §4) for the records domain resolution needs:
 * SRV (RFC 2782), NAPTR (RFC 3403), CNAME and SOA (for negative answers,
 * RFC 2308), A/AAAA (decoded, never used as evidence). Pure codec.
 *
 * `decodeMessage` takes untrusted bytes and never throws: every read is
 * bounds-checked, compression pointers must point backwards (so they cannot
 * loop), names are capped at 255 octets (RFC 1035 §2.3.4). A malformed
 * message is a `DnsDecodeError`, never a half-built value.
 *
 *   const q = encodeQuery(0x1234, "_xmpp-server._tcp.example.com", "SRV");
 *   const m = decodeMessage(reply); // { ok: true, value: { id, rcode, answers: [...] } }
 */
import { err, ok, type Result } from "../../../common/src/result.js";

export const RR_TYPES = { A: 1, CNAME: 5, SOA: 6, AAAA: 28, SRV: 33, NAPTR: 35, OPT: 41 } as const;
export type RrType = keyof typeof RR_TYPES;
const TYPE_NAMES = new Map<number, RrType>(Object.entries(RR_TYPES).map(([k, v]) => [v, k as RrType]));

/** RFC 1035 §4.1.1 RCODE values the resolver tells apart. */
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

const CLASS_IN = 1;
const MAX_NAME = 255;
const MAX_LABEL = 63;

export interface SrvData { readonly type: "SRV"; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string }
export interface NaptrData {
  readonly type: "NAPTR"; readonly order: number; readonly preference: number;
  readonly flags: string; readonly services: string; readonly regexp: string; readonly replacement: string;
}
export interface SoaData {
  readonly type: "SOA"; readonly mname: string; readonly rname: string; readonly serial: number;
  readonly refresh: number; readonly retry: number; readonly expire: number; readonly minimum: number;
}
export interface CnameData { readonly type: "CNAME"; readonly target: string }
export interface AddressData { readonly type: "A" | "AAAA"; readonly address: string }
/** Any other type (OPT included): kept as its code and length only. */
export interface OtherData { readonly type: "other"; readonly code: number; readonly length: number }
export type RData = SrvData | NaptrData | SoaData | CnameData | AddressData | OtherData;

export interface ResourceRecord { readonly name: string; readonly rrclass: number; readonly ttl: number; readonly data: RData }
export interface Question { readonly name: string; readonly type: number; readonly qclass: number }
export interface DnsMessage {
  readonly id: number;
  readonly qr: boolean; readonly opcode: number; readonly aa: boolean; readonly tc: boolean;
  readonly rd: boolean; readonly ra: boolean; readonly rcode: number;
  readonly questions: readonly Question[];
  readonly answers: readonly ResourceRecord[];
  readonly authority: readonly ResourceRecord[];
  readonly additional: readonly ResourceRecord[];
}

export type DnsDecodeErrorKind = "truncated" | "bad-pointer" | "bad-label" | "name-too-long" | "bad-rdata" | "trailing-bytes";
export interface DnsDecodeError { readonly kind: DnsDecodeErrorKind; readonly offset: number; readonly detail: string }

/** Thrown only inside this module and turned into a `DnsDecodeError` at its edge. */
class Malformed extends Error {
  constructor(readonly kind: DnsDecodeErrorKind, readonly offset: number, detail: string) { super(detail); }
}

// ---------------------------------------------------------------- decoding

class Reader {
  constructor(readonly buf: Uint8Array, public pos = 0) {}
  need(n: number, what: string): void {
    if (this.pos + n > this.buf.length) throw new Malformed("truncated", this.pos, `${what}: ${n} bytes needed, ${this.buf.length - this.pos} left`);
  }
  u8(what: string): number { this.need(1, what); return this.buf[this.pos++]!; }
  u16(what: string): number { this.need(2, what); const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!; this.pos += 2; return v; }
  u32(what: string): number { this.need(4, what); const v = ((this.buf[this.pos]! << 24) >>> 0) + ((this.buf[this.pos + 1]! << 16) | (this.buf[this.pos + 2]! << 8) | this.buf[this.pos + 3]!); this.pos += 4; return v; }
  bytes(n: number, what: string): Uint8Array { this.need(n, what); const b = this.buf.subarray(this.pos, this.pos + n); this.pos += n; return b; }
  /** RFC 1035 §3.3 <character-string>: one length octet, then that many octets. */
  charString(what: string): string { return latin1(this.bytes(this.u8(what), what)); }
  /** RFC 1035 §4.1.4: labels, possibly ending in a pointer to an earlier name. */
  name(what: string): string {
    const labels: string[] = [];
    let octets = 1;
    let pos = this.pos;
    let jumped = false;
    for (;;) {
      if (pos >= this.buf.length) throw new Malformed("truncated", pos, `${what}: name runs past the end`);
      const len = this.buf[pos]!;
      if ((len & 0xc0) === 0xc0) {
        if (pos + 1 >= this.buf.length) throw new Malformed("truncated", pos, `${what}: pointer cut off`);
        const target = ((len & 0x3f) << 8) | this.buf[pos + 1]!;
        // Pointers only go backwards: no loops, and at most one visit per offset.
        if (target >= pos) throw new Malformed("bad-pointer", pos, `${what}: pointer to ${target} does not point backwards`);
        if (!jumped) this.pos = pos + 2;
        jumped = true;
        pos = target;
        continue;
      }
      if ((len & 0xc0) !== 0) throw new Malformed("bad-label", pos, `${what}: reserved label type 0x${len.toString(16)}`);
      if (len === 0) {
        if (!jumped) this.pos = pos + 1;
        return labels.length === 0 ? "." : labels.join(".");
      }
      octets += len + 1;
      if (octets > MAX_NAME) throw new Malformed("name-too-long", pos, `${what}: name longer than ${MAX_NAME} octets`);
      if (pos + 1 + len > this.buf.length) throw new Malformed("truncated", pos, `${what}: label runs past the end`);
      labels.push(escapeLabel(this.buf.subarray(pos + 1, pos + 1 + len)));
      pos += 1 + len;
    }
  }
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (const c of b) s += String.fromCharCode(c);
  return s;
}

/** Label octets as text; '.', '\' and non-printable octets escaped as in master files (RFC 1035 §5.1). */
function escapeLabel(b: Uint8Array): string {
  let s = "";
  for (const c of b) {
    if (c === 0x2e || c === 0x5c) s += "\\" + String.fromCharCode(c);
    else if (c <= 0x20 || c >= 0x7f) s += "\\" + String(c).padStart(3, "0");
    else s += String.fromCharCode(c);
  }
  return s.toLowerCase();
}

function rdata(r: Reader, type: number, length: number): RData {
  const end = r.pos + length;
  r.need(length, "rdata");
  const name = TYPE_NAMES.get(type);
  let data: RData;
  switch (name) {
    case "SRV":
      data = { type: "SRV", priority: r.u16("SRV priority"), weight: r.u16("SRV weight"), port: r.u16("SRV port"), target: r.name("SRV target") };
      break;
    case "NAPTR":
      data = {
        type: "NAPTR", order: r.u16("NAPTR order"), preference: r.u16("NAPTR preference"),
        flags: r.charString("NAPTR flags"), services: r.charString("NAPTR services"), regexp: r.charString("NAPTR regexp"),
        replacement: r.name("NAPTR replacement"),
      };
      break;
    case "CNAME":
      data = { type: "CNAME", target: r.name("CNAME target") };
      break;
    case "SOA":
      data = {
        type: "SOA", mname: r.name("SOA mname"), rname: r.name("SOA rname"), serial: r.u32("SOA serial"),
        refresh: r.u32("SOA refresh"), retry: r.u32("SOA retry"), expire: r.u32("SOA expire"), minimum: r.u32("SOA minimum"),
      };
      break;
    case "A":
      if (length !== 4) throw new Malformed("bad-rdata", r.pos, `A rdata of ${length} bytes`);
      data = { type: "A", address: [...r.bytes(4, "A")].join(".") };
      break;
    case "AAAA": {
      if (length !== 16) throw new Malformed("bad-rdata", r.pos, `AAAA rdata of ${length} bytes`);
      const b = r.bytes(16, "AAAA");
      const groups: string[] = [];
      for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
      data = { type: "AAAA", address: groups.join(":") };
      break;
    }
    default:
      r.pos = end;
      return { type: "other", code: type, length };
  }
  if (r.pos !== end) throw new Malformed("bad-rdata", r.pos, `${name} rdata is ${length} bytes but its fields use ${length + r.pos - end}`);
  return data;
}

function record(r: Reader): ResourceRecord {
  const name = r.name("owner name");
  const type = r.u16("type");
  const rrclass = r.u16("class");
  // RFC 2181 §8: a TTL with the top bit set is treated as zero.
  const raw = r.u32("ttl");
  const ttl = raw > 0x7fffffff ? 0 : raw;
  const length = r.u16("rdlength");
  return { name, rrclass, ttl, data: rdata(r, type, length) };
}

/** Decodes a whole message from untrusted bytes; never throws. */
export function decodeMessage(buf: Uint8Array): Result<DnsMessage, DnsDecodeError> {
  try {
    const r = new Reader(buf);
    const id = r.u16("id");
    const flags = r.u16("flags");
    const counts = [r.u16("qdcount"), r.u16("ancount"), r.u16("nscount"), r.u16("arcount")] as const;
    const questions: Question[] = [];
    for (let i = 0; i < counts[0]; i++) questions.push({ name: r.name("question"), type: r.u16("qtype"), qclass: r.u16("qclass") });
    const section = (n: number) => { const out: ResourceRecord[] = []; for (let i = 0; i < n; i++) out.push(record(r)); return out; };
    const answers = section(counts[1]);
    const authority = section(counts[2]);
    const additional = section(counts[3]);
    if (r.pos !== buf.length) throw new Malformed("trailing-bytes", r.pos, `${buf.length - r.pos} bytes after the last record`);
    return ok({
      id, qr: (flags & 0x8000) !== 0, opcode: (flags >> 11) & 0xf, aa: (flags & 0x0400) !== 0, tc: (flags & 0x0200) !== 0,
      rd: (flags & 0x0100) !== 0, ra: (flags & 0x0080) !== 0, rcode: flags & 0xf,
      questions, answers, authority, additional,
    });
  } catch (e) {
    if (e instanceof Malformed) return err({ kind: e.kind, offset: e.offset, detail: e.message });
    return err({ kind: "bad-rdata", offset: 0, detail: String(e) });
  }
}

// ---------------------------------------------------------------- encoding

export interface DnsEncodeError { readonly kind: "bad-name"; readonly detail: string }

class Writer {
  private readonly parts: number[] = [];
  u8(v: number): void { this.parts.push(v & 0xff); }
  u16(v: number): void { this.parts.push((v >> 8) & 0xff, v & 0xff); }
  u32(v: number): void { this.u16(Math.floor(v / 0x10000) & 0xffff); this.u16(v & 0xffff); }
  raw(b: Iterable<number>): void { for (const x of b) this.parts.push(x); }
  charString(s: string): void {
    const b = Buffer.from(s, "latin1");
    if (b.length > 255) throw new RangeError("character-string over 255 octets");
    this.u8(b.length); this.raw(b);
  }
  name(n: string): void { this.raw(nameOctets(n)); }
  get length(): number { return this.parts.length; }
  done(): Buffer { return Buffer.from(this.parts); }
}

/** A presentation name ("a.example.", "." for the root) as wire labels; throws RangeError when invalid. */
function nameOctets(name: string): number[] {
  const trimmed = name.endsWith(".") ? name.slice(0, -1) : name;
  const out: number[] = [];
  if (trimmed !== "") {
    for (const label of trimmed.split(".")) {
      const b = Buffer.from(label, "latin1");
      if (b.length === 0 || b.length > MAX_LABEL || /[^\x21-\x7e]/.test(label)) throw new RangeError(`bad label in ${JSON.stringify(name)}`);
      out.push(b.length, ...b);
    }
  }
  out.push(0);
  if (out.length > MAX_NAME) throw new RangeError(`name over ${MAX_NAME} octets`);
  return out;
}

/**
 * A recursive query for one name and type, with an EDNS0 OPT record
 * (RFC 6891) offering `udpSize` bytes so SRV/NAPTR sets rarely truncate.
 */
export function encodeQuery(id: number, name: string, type: Exclude<RrType, "OPT">, udpSize = 1232): Result<Buffer, DnsEncodeError> {
  try {
    const w = new Writer();
    w.u16(id); w.u16(0x0100); // RD
    w.u16(1); w.u16(0); w.u16(0); w.u16(1);
    w.name(name); w.u16(RR_TYPES[type]); w.u16(CLASS_IN);
    w.u8(0); w.u16(RR_TYPES.OPT); w.u16(udpSize); w.u32(0); w.u16(0);
    return ok(w.done());
  } catch (e) {
    return err({ kind: "bad-name", detail: (e as Error).message });
  }
}

/**
 * Encodes a whole message without name compression: for fake DNS servers
 * and hand-built test packets. Throws RangeError on a bad name or string.
 */
export function encodeMessage(m: DnsMessage): Buffer {
  const w = new Writer();
  w.u16(m.id);
  w.u16((m.qr ? 0x8000 : 0) | ((m.opcode & 0xf) << 11) | (m.aa ? 0x0400 : 0) | (m.tc ? 0x0200 : 0) | (m.rd ? 0x0100 : 0) | (m.ra ? 0x0080 : 0) | (m.rcode & 0xf));
  w.u16(m.questions.length); w.u16(m.answers.length); w.u16(m.authority.length); w.u16(m.additional.length);
  for (const q of m.questions) { w.name(q.name); w.u16(q.type); w.u16(q.qclass); }
  for (const rr of [...m.answers, ...m.authority, ...m.additional]) {
    w.name(rr.name);
    w.u16(rr.data.type === "other" ? rr.data.code : RR_TYPES[rr.data.type]);
    w.u16(rr.rrclass); w.u32(rr.ttl);
    const body = new Writer();
    const d = rr.data;
    switch (d.type) {
      case "SRV": body.u16(d.priority); body.u16(d.weight); body.u16(d.port); body.name(d.target); break;
      case "NAPTR": body.u16(d.order); body.u16(d.preference); body.charString(d.flags); body.charString(d.services); body.charString(d.regexp); body.name(d.replacement); break;
      case "CNAME": body.name(d.target); break;
      case "SOA": body.name(d.mname); body.name(d.rname); for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) body.u32(v); break;
      case "A": body.raw(d.address.split(".").map(Number)); break;
      case "AAAA": for (const g of expandIpv6(d.address)) body.u16(g); break;
      case "other": body.raw(new Uint8Array(d.length)); break;
    }
    w.u16(body.length);
    w.raw(body.done());
  }
  return w.done();
}

function expandIpv6(a: string): number[] {
  const [head, tail] = a.includes("::") ? a.split("::") as [string, string] : [a, undefined];
  const h = head === "" ? [] : head.split(":").map((g) => parseInt(g, 16));
  const t = tail === undefined || tail === "" ? [] : tail.split(":").map((g) => parseInt(g, 16));
  return tail === undefined ? h : [...h, ...new Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** `SRV` for 33; undefined for types this codec does not name. */
export function typeName(code: number): RrType | undefined {
  return TYPE_NAMES.get(code);
}

/** Case-insensitive name comparison, ignoring a trailing dot (RFC 4343). */
export function sameName(a: string, b: string): boolean {
  const n = (s: string) => (s.endsWith(".") && s !== "." ? s.slice(0, -1) : s).toLowerCase();
  return n(a) === n(b);
}
