/**
 * A stand-in bridge for tests against a real Kamailio: the evapi side
 * (netstring frames in, the tagging `hello` out) and the HTTP command side
 * (POST /stox). Frames are kept until a test takes them with `next`.
 */
import net from "node:net";
import http from "node:http";
import crypto from "node:crypto";
import { NetstringDecoder, encodeNetstring } from "../../common/src/wire/netstring.js";
import { httpPost } from "./kamailio.js";

export class EvapiBridge {
  readonly frames: any[] = [];
  private readonly decoder = new NetstringDecoder(1 << 20);
  private waiters: Array<() => void> = [];
  private closed = false;
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  private constructor(private readonly socket: net.Socket, private readonly httpPort: number, private readonly secret: string | undefined) {
    socket.on("data", (chunk) => {
      for (const payload of this.decoder.push(chunk)) this.frames.push(JSON.parse(payload.toString("utf8")));
      this.wake();
    });
    socket.on("close", () => { this.closed = true; this.wake(); });
    socket.on("error", () => {});
  }

  /** Connects to evapi and says hello (resolves once Kamailio's hello is back). */
  static async connect(ports: { evapi: number; http: number }, secret?: string): Promise<EvapiBridge> {
    const socket = net.connect({ host: "127.0.0.1", port: ports.evapi });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("connect", () => resolve());
    });
    const b = new EvapiBridge(socket, ports.http, secret);
    const id = `b-hello-${crypto.randomUUID()}`;
    socket.write(encodeNetstring(JSON.stringify({ type: "hello", v: 1, id, role: "bridge", ...(secret !== undefined ? { secret } : {}) })));
    await b.next((f) => f.ref === id, 3000);
    return b;
  }

  /** One command over HTTP POST /stox; the answer's status and JSON body. */
  async command(cmd: unknown): Promise<{ status: number; json: any }> {
    const headers: Record<string, string> = this.secret !== undefined ? { "x-stox-secret": this.secret } : {};
    const { status, text } = await httpPost(this.httpPort, "/stox", JSON.stringify(cmd), { headers, agent: this.agent });
    let json: any;
    try { json = JSON.parse(text); } catch { json = text; }
    return { status, json };
  }

  /** Removes and returns the first frame matching `pred`, waiting up to `ms`. */
  async next(pred: (f: any) => boolean, ms: number): Promise<any> {
    const until = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      const left = until - Date.now();
      if (left <= 0 || this.closed) throw new Error(`evapi bridge: no matching frame within ${ms} ms (have ${JSON.stringify(this.frames).slice(0, 500)})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  async close(): Promise<void> {
    this.agent.destroy();
    if (this.closed) return;
    const done = new Promise<void>((r) => this.socket.once("close", () => r()));
    this.socket.destroy();
    await done;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}
