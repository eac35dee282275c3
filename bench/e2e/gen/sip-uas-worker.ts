/**
 * SIP UAS load-generator process (UDP) for XMPP → SIP: registers a set of
 * AORs at Kamailio from its own socket (so lookup() sends MESSAGEs here),
 * answers every MESSAGE with 200 at once, and records one-way latency from
 * the send time the XMPP sender put in the body. A minimal responder, not a
 * SIP stack: it echoes Via/From/To/Call-ID/CSeq and adds a To tag.
 *
 * ops: start {kamailioPort, domain, aors:[user], expires} → {port}
 *      take {step} → {received, lat, dups}
 */
import dgram from "node:dgram";
import crypto from "node:crypto";
import { Arrivals, epochSeconds, parseBody } from "./body.js";
import { serve, type Request } from "./ipc.js";
import { registerAors } from "./sip-register.js";

let sock: dgram.Socket | undefined;
const arrivals = new Arrivals();
const seen = new Set<string>();
let dups = 0;
let tagSeq = 0;
const TAG = crypto.randomBytes(3).toString("hex");

/** Header lines by lower-case name (full names; Kamailio does not compact what it builds). */
function parse(raw: Buffer): { start: string; lines: string[]; body: string } | undefined {
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) return undefined;
  const head = raw.toString("latin1", 0, end);
  const lines = head.split("\r\n");
  const start = lines.shift() ?? "";
  return { start, lines, body: raw.toString("utf8", end + 4) };
}

function headerValue(lines: string[], name: string, compact: string): string | undefined {
  for (const l of lines) {
    const c = l.indexOf(":");
    if (c < 0) continue;
    const n = l.slice(0, c).trim().toLowerCase();
    if (n === name || n === compact) return l.slice(c + 1).trim();
  }
  return undefined;
}

function answer(lines: string[], rinfo: dgram.RemoteInfo): void {
  const keep: string[] = [];
  for (const l of lines) {
    const c = l.indexOf(":");
    const n = c < 0 ? "" : l.slice(0, c).trim().toLowerCase();
    if (n === "via" || n === "v" || n === "from" || n === "f" || n === "call-id" || n === "i" || n === "cseq") keep.push(l);
    else if (n === "to" || n === "t") keep.push(/;tag=/i.test(l) ? l : `${l};tag=${TAG}${++tagSeq}`);
  }
  const out = `SIP/2.0 200 OK\r\n${keep.join("\r\n")}\r\nContent-Length: 0\r\n\r\n`;
  sock!.send(out, rinfo.port, rinfo.address);
}

function onPacket(raw: Buffer, rinfo: dgram.RemoteInfo): void {
  const m = parse(raw);
  if (m === undefined) return;
  if (m.start.startsWith("SIP/2.0 ")) return;
  const method = m.start.slice(0, m.start.indexOf(" "));
  if (method === "ACK") return;
  answer(m.lines, rinfo);
  if (method !== "MESSAGE") return;
  const now = epochSeconds();
  // a retransmission (Kamailio's tm over UDP) is answered again but counted once
  const key = headerValue(m.lines, "call-id", "i") + " " + headerValue(m.lines, "cseq", "");
  if (seen.has(key)) { dups++; return; }
  seen.add(key);
  if (seen.size > 2_000_000) seen.clear();
  const p = parseBody(m.body);
  if (p !== undefined) arrivals.record(p.step, (now - p.sentAt) * 1000);
}

serve({
  async start(req: Request) {
    const kamailioPort = req.kamailioPort as number;
    const domain = req.domain as string;
    const aors = req.aors as string[];
    const expires = (req.expires as number | undefined) ?? 3600;
    sock = dgram.createSocket({ type: "udp4", recvBufferSize: 4 << 20, sendBufferSize: 4 << 20 });
    await new Promise<void>((resolve, reject) => { sock!.once("error", reject); sock!.bind(0, "127.0.0.1", () => resolve()); });
    const port = sock.address().port;
    await registerAors(sock, kamailioPort, domain, aors, expires);
    sock.on("message", onPacket);
    return { port };
  },

  count(req: Request) {
    return { received: arrivals.count(req.step as number) };
  },

  take(req: Request) {
    const a = arrivals.take(req.step as number);
    const d = dups;
    dups = 0;
    return { received: a.n, lat: a.lat, dups: d };
  },

  close() {
    sock?.close();
    return {};
  },
});
