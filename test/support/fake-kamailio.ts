/**
 * A fake Kamailio speaking the real wire protocol (docs/wire.md): an evapi
 * TCP listener (netstring JSON) the bridge connects to, and an HTTP listener
 * that receives the bridge's commands. Used to drive the real bridge process
 * with hostile or precisely timed input.
 */
import net from "node:net";
import http from "node:http";
import { encodeNetstring, NetstringDecoder } from "../../common/src/wire/netstring.js";

export interface ReceivedCommand { readonly body: any; readonly headers: http.IncomingHttpHeaders }

export class FakeKamailio {
  readonly commands: ReceivedCommand[] = [];
  readonly hellos: any[] = [];
  connections = 0;
  private evapi!: net.Server;
  private http!: http.Server;
  private client: net.Socket | undefined;
  private waiters = new Set<() => void>();
  /** How the HTTP side answers a command (default: 200 {"ok":true}; pings also get a pong on evapi). */
  answer: (body: any) => { status: number; body: unknown } = () => ({ status: 200, body: { ok: true } });
  /** The final SIP code reported (over evapi) for each sip.send; undefined = never. */
  resultFor: (cmd: any) => number | undefined = () => 200;
  /** false = a half-open evapi link: HTTP pings get no pong on evapi. */
  answerPings = true;
  evapiPort = 0;
  httpPort = 0;
  /**
   * The settings its hello announces, as stox.cfg's defaults would (docs/wire.md);
   * `http` is this fake's own HTTP listener unless set here.
   */
  helloSettings: Record<string, unknown> = { max_body: 65536, timeout_ms: 10000, send_max_body: 32000 };

  async start(): Promise<void> {
    this.evapi = net.createServer((s) => this.accept(s));
    await new Promise<void>((r) => this.evapi.listen(0, "127.0.0.1", r));
    this.evapiPort = (this.evapi.address() as net.AddressInfo).port;
    this.http = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        let body: any;
        try { body = JSON.parse(Buffer.concat(chunks).toString("utf8")); } catch { body = undefined; }
        this.commands.push({ body, headers: req.headers });
        if (body?.type === "ping" && this.answerPings) this.sendEvent({ type: "pong", v: 1, id: `pong-${body.id}`, ref: body.id });
        const code = body?.type === "sip.send" ? this.resultFor(body) : undefined;
        if (code !== undefined) setImmediate(() => this.sendEvent({ type: "sip.result", v: 1, id: `r-${body.id}`, ref: body.id, code, evtype: 1 }));
        const a = this.answer(body);
        res.writeHead(a.status, { "content-type": "application/json" });
        res.end(JSON.stringify(a.body));
        this.wake();
      });
    });
    await new Promise<void>((r) => this.http.listen(0, "127.0.0.1", r));
    this.httpPort = (this.http.address() as net.AddressInfo).port;
  }

  private accept(s: net.Socket): void {
    this.connections++;
    this.client?.destroy();
    this.client = s;
    const dec = new NetstringDecoder(1 << 20);
    s.on("error", () => {});
    s.on("data", (chunk) => {
      for (const p of dec.push(chunk)) {
        const f = JSON.parse(p.toString("utf8"));
        if (f.type === "hello") {
          this.hellos.push(f);
          this.sendEvent({ type: "hello", v: 1, id: `k-hello-${this.hellos.length}`, ref: f.id, role: "kamailio", version: "fake", sip_domains: ["sip.example"], xmpp_domains: ["xmpp.example"], http: `127.0.0.1:${this.httpPort}`, ...this.helloSettings });
        }
        this.wake();
      }
    });
  }

  get connected(): boolean {
    return this.client !== undefined && !this.client.destroyed;
  }

  sendEvent(value: unknown): void {
    this.sendRaw(encodeNetstring(JSON.stringify(value)));
  }

  sendRaw(bytes: Buffer | string): void {
    if (this.client && !this.client.destroyed) this.client.write(bytes);
  }

  /** Waits until `pred` holds (checked on every received frame/command and every 20 ms). */
  async until(pred: () => boolean, ms = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`fake kamailio: timeout waiting for ${what}`);
      await new Promise<void>((r) => { const t = setTimeout(r, 20); this.waiters.add(() => { clearTimeout(t); r(); }); });
    }
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  async stop(): Promise<void> {
    this.client?.destroy();
    await new Promise<void>((r) => this.evapi.close(() => r()));
    this.http.closeAllConnections();
    await new Promise<void>((r) => this.http.close(() => r()));
  }
}

/** A raw SIP MESSAGE as Kamailio's `$mb` would carry it. */
export function rawMessage(opts: { from?: string; to?: string; ruri?: string; body?: string; headers?: string[] } = {}): string {
  const body = opts.body ?? "hello";
  return [
    `MESSAGE ${opts.ruri ?? "sip:juliet@xmpp.example"} SIP/2.0`,
    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK1",
    "Max-Forwards: 69",
    `From: <${opts.from ?? "sip:romeo@sip.example"}>;tag=1`,
    `To: <${opts.to ?? "sip:juliet@xmpp.example"}>`,
    "Call-ID: c1@host",
    "CSeq: 1 MESSAGE",
    ...(opts.headers ?? []),
    "Content-Type: text/plain",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "", body,
  ].join("\r\n");
}
