/**
 * A tiny SIP peer for tests: sends hand-built requests over UDP or one TCP
 * connection and records every message it receives as exact bytes, so a
 * test can assert on what went over the wire (headers, body, connection).
 * Not a SIP stack: no retransmissions, no transactions beyond matching by
 * Call-ID and CSeq.
 */
import dgram from "node:dgram";
import net from "node:net";
import crypto from "node:crypto";

export type Transport = "udp" | "tcp";

export interface SipMessage {
  raw: Buffer;
  startLine: string;
  method?: string;
  status?: number;
  reason?: string;
  headers: Array<[string, string]>;
  body: Buffer;
  /** First value of a header (case-insensitive, compact forms understood). */
  header(name: string): string | undefined;
  headerAll(name: string): string[];
}

const COMPACT: Record<string, string> = {
  i: "call-id", f: "from", t: "to", v: "via", m: "contact", l: "content-length", c: "content-type", s: "subject",
};

/** Parses one complete SIP message (start line, headers, body by Content-Length). */
export function parseSip(raw: Buffer): SipMessage {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error("SIP message without header end");
  const lines = raw.subarray(0, end).toString("latin1").split("\r\n");
  const startLine = lines.shift() ?? "";
  const headers: Array<[string, string]> = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) {
      headers[headers.length - 1]![1] += " " + line.trim();
      continue;
    }
    const colon = line.indexOf(":");
    if (colon > 0) headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  const norm = (n: string) => { const l = n.toLowerCase(); return COMPACT[l] ?? l; };
  const headerAll = (name: string) => headers.filter(([n]) => norm(n) === norm(name)).map(([, v]) => v);
  const cl = Number(headerAll("content-length")[0] ?? 0);
  const body = raw.subarray(end + 4, end + 4 + cl);
  const m = /^SIP\/2\.0 (\d{3}) ?(.*)$/.exec(startLine);
  const base = { raw, startLine, headers, body, headerAll, header: (n: string) => headerAll(n)[0] };
  if (m) return { ...base, status: Number(m[1]), reason: m[2] ?? "" };
  return { ...base, method: startLine.split(" ")[0] ?? "" };
}

/** Splits a TCP byte stream into SIP messages (CRLF keep-alives skipped). */
class StreamFramer {
  private buf = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    for (;;) {
      while (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) this.buf = this.buf.subarray(2);
      const end = this.buf.indexOf("\r\n\r\n");
      if (end < 0) break;
      const head = this.buf.subarray(0, end).toString("latin1");
      const m = /^(?:content-length|l)[ \t]*:[ \t]*(\d+)/im.exec(head);
      const total = end + 4 + Number(m?.[1] ?? 0);
      if (this.buf.length < total) break;
      out.push(Buffer.from(this.buf.subarray(0, total)));
      this.buf = this.buf.subarray(total);
    }
    return out;
  }
}

export interface RequestSpec {
  method: string;
  ruri: string;
  from: string;             // URI; a tag is added
  to: string;               // URI
  callId?: string;
  cseq?: number;
  contact?: string;         // URI
  headers?: string[];       // extra "Name: value" lines
  body?: Buffer | string;
  contentType?: string;
  expires?: number;
}

export type Responder = (req: SipMessage) => { code: number; reason: string; headers?: string[] } | undefined;

/** One SIP endpoint: a UDP socket or one TCP connection to `target`. */
export class SipPeer {
  readonly received: SipMessage[] = [];
  private waiters: Array<() => void> = [];
  private responder: Responder | undefined;
  private closed = false;

  private constructor(
    readonly transport: Transport,
    private readonly target: { host: string; port: number },
    private readonly udp?: dgram.Socket,
    readonly tcp?: net.Socket,
  ) {}

  static async open(transport: Transport, target: { host: string; port: number }): Promise<SipPeer> {
    if (transport === "udp") {
      const sock = dgram.createSocket("udp4");
      await new Promise<void>((resolve, reject) => {
        sock.once("error", reject);
        sock.bind(0, "127.0.0.1", () => resolve());
      });
      const peer = new SipPeer("udp", target, sock);
      sock.on("message", (msg) => peer.deliver(msg));
      return peer;
    }
    const sock = net.connect({ host: target.host, port: target.port, localAddress: "127.0.0.1" });
    await new Promise<void>((resolve, reject) => {
      sock.once("error", reject);
      sock.once("connect", () => resolve());
    });
    sock.on("error", () => {});
    const peer = new SipPeer("tcp", target, undefined, sock);
    const framer = new StreamFramer();
    sock.on("data", (chunk) => { for (const m of framer.push(chunk)) peer.deliver(m); });
    return peer;
  }

  /** Local port (UDP socket or TCP connection). */
  get port(): number {
    if (this.localPort === undefined) this.localPort = this.udp ? this.udp.address().port : this.tcp!.localPort!;
    return this.localPort;
  }
  private localPort: number | undefined;

  /** Answer every incoming request with what `fn` returns (or not at all). */
  answerWith(fn: Responder | undefined): void {
    this.responder = fn;
  }

  buildRequest(spec: RequestSpec): { raw: Buffer; callId: string; cseq: number } {
    const callId = spec.callId ?? `${crypto.randomUUID()}@127.0.0.1`;
    const cseq = spec.cseq ?? 1;
    const body = typeof spec.body === "string" ? Buffer.from(spec.body, "utf8") : spec.body ?? Buffer.alloc(0);
    const proto = this.transport.toUpperCase();
    const lines = [
      `${spec.method} ${spec.ruri} SIP/2.0`,
      `Via: SIP/2.0/${proto} 127.0.0.1:${this.port};branch=z9hG4bK${crypto.randomBytes(8).toString("hex")};rport`,
      `Max-Forwards: 70`,
      `From: <${spec.from}>;tag=${crypto.randomBytes(4).toString("hex")}`,
      `To: <${spec.to}>`,
      `Call-ID: ${callId}`,
      `CSeq: ${cseq} ${spec.method}`,
    ];
    if (spec.contact) lines.push(`Contact: <${spec.contact}>`);
    if (spec.expires !== undefined) lines.push(`Expires: ${spec.expires}`);
    for (const h of spec.headers ?? []) lines.push(h);
    if (body.length > 0) lines.push(`Content-Type: ${spec.contentType ?? "text/plain;charset=utf-8"}`);
    lines.push(`Content-Length: ${body.length}`);
    const raw = Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1"), body]);
    return { raw, callId, cseq };
  }

  send(raw: Buffer): void {
    if (this.udp) this.udp.send(raw, this.target.port, this.target.host);
    else this.tcp!.write(raw);
  }

  /** Sends a request and resolves with its first final response. */
  async request(spec: RequestSpec, ms = 5000): Promise<{ sent: Buffer; response: SipMessage; elapsedMs: number }> {
    const { raw, callId, cseq } = this.buildRequest(spec);
    const t0 = performance.now();
    this.send(raw);
    const response = await this.waitFor(
      (m) => m.status !== undefined && m.status >= 200 && m.header("call-id") === callId && m.header("cseq") === `${cseq} ${spec.method}`,
      ms,
    );
    return { sent: raw, response, elapsedMs: performance.now() - t0 };
  }

  /** Sends a request; returns a promise of its final response (for concurrent requests). */
  start(spec: RequestSpec, ms = 5000): { sent: Buffer; callId: string; response: Promise<SipMessage> } {
    const { raw, callId, cseq } = this.buildRequest(spec);
    const response = this.waitFor(
      (m) => m.status !== undefined && m.status >= 200 && m.header("call-id") === callId && m.header("cseq") === `${cseq} ${spec.method}`,
      ms,
    );
    response.catch(() => {}); // a caller that gave up (test already failed) must not cause an unhandled rejection
    this.send(raw);
    return { sent: raw, callId, response };
  }

  /** Removes and returns the first received message matching `pred`, waiting up to `ms`. */
  async waitFor(pred: (m: SipMessage) => boolean, ms: number): Promise<SipMessage> {
    const until = Date.now() + ms;
    for (;;) {
      const i = this.received.findIndex(pred);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      const left = until - Date.now();
      if (left <= 0 || this.closed) throw new Error(`SIP peer (${this.transport}:${this.port}): no matching message within ${ms} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** Responses to a request, built from its Via/From/To/Call-ID/CSeq. */
  static response(req: SipMessage, code: number, reason: string, headers: string[] = []): Buffer {
    const to = req.header("to") ?? "";
    const lines = [
      `SIP/2.0 ${code} ${reason}`,
      ...req.headerAll("via").map((v) => `Via: ${v}`),
      `From: ${req.header("from")}`,
      `To: ${/;tag=/.test(to) ? to : `${to};tag=${crypto.randomBytes(4).toString("hex")}`}`,
      `Call-ID: ${req.header("call-id")}`,
      `CSeq: ${req.header("cseq")}`,
      ...headers,
      `Content-Length: 0`,
    ];
    return Buffer.from(lines.join("\r\n") + "\r\n\r\n", "latin1");
  }

  close(): void {
    this.closed = true;
    this.udp?.close();
    this.tcp?.destroy();
    for (const w of this.waiters.splice(0)) w();
  }

  private deliver(raw: Buffer): void {
    let msg: SipMessage;
    try {
      msg = parseSip(raw);
    } catch {
      return;
    }
    this.received.push(msg);
    if (msg.method !== undefined && msg.method !== "ACK" && this.responder) {
      const answer = this.responder(msg);
      if (answer) this.send(SipPeer.response(msg, answer.code, answer.reason, answer.headers));
    }
    for (const w of this.waiters.splice(0)) w();
  }
}
