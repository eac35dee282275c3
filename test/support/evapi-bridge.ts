/**
 * Stand-in bridges for tests against a real Kamailio: the evapi side
 * (netstring frames in, the tagging `hello` out) and the HTTP command side
 * (POST /stox).
 */
import net from "node:net";
import http from "node:http";
import crypto from "node:crypto";
import { NetstringDecoder, encodeNetstring } from "../../common/src/wire/netstring.js";
import { httpPost } from "./kamailio.js";

/**
 * One evapi connection to a real Kamailio, as a bridge holds it: netstring
 * frames in (kept until a test takes them with `next`), frames out with `send`.
 */
export class EvapiConnection {
  readonly frames: any[] = [];
  private readonly decoder = new NetstringDecoder(1 << 20);
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(readonly socket: net.Socket, private readonly label = "evapi bridge") {
    socket.on("data", (chunk) => {
      for (const payload of this.decoder.push(chunk)) this.frames.push(JSON.parse(payload.toString("utf8")));
      this.wake();
    });
    socket.on("close", () => { this.closed = true; this.wake(); });
    socket.on("error", () => {});
  }

  /** A connected TCP socket to Kamailio's evapi port (from `localAddress` if given). */
  static async open(port: number, localAddress = "127.0.0.1"): Promise<net.Socket> {
    const socket = net.connect({ host: "127.0.0.1", port, localAddress });
    await new Promise<void>((resolve, reject) => {
      socket.once("error", reject);
      socket.once("connect", () => resolve());
    });
    return socket;
  }

  send(frame: unknown): void {
    this.socket.write(encodeNetstring(JSON.stringify(frame)));
  }

  /** Tags this connection: bridge hello → Kamailio's hello (its answer is returned). */
  async hello(secret: string | undefined): Promise<any> {
    const id = `b-hello-${crypto.randomUUID()}`;
    this.send({ type: "hello", v: 1, id, role: "bridge", ...(secret === undefined ? {} : { secret }) });
    return this.next((f) => f.ref === id, 3000);
  }

  /** Removes and returns the first frame matching `pred`, waiting up to `ms`. */
  async next(pred: (f: any) => boolean, ms: number): Promise<any> {
    const until = Date.now() + ms;
    for (;;) {
      const i = this.frames.findIndex(pred);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      const left = until - Date.now();
      if (left <= 0 || this.closed) throw new Error(`${this.label}: no matching frame within ${ms} ms (have ${JSON.stringify(this.frames).slice(0, 500)})`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Closes the connection; resolves when it is closed (or after `ms`). */
  async close(ms = 2000): Promise<void> {
    if (this.closed) return;
    const done = new Promise<void>((r) => this.socket.once("close", () => r()));
    this.socket.destroy();
    await Promise.race([done, new Promise<void>((r) => setTimeout(r, ms).unref())]);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }
}

/** An EvapiConnection that has said hello, plus the HTTP command side (POST /stox). */
export class EvapiBridge extends EvapiConnection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  private constructor(socket: net.Socket, private readonly httpPort: number, private readonly secret: string | undefined) {
    super(socket);
  }

  /** Connects to evapi and says hello (resolves once Kamailio's hello is back). */
  static async connect(ports: { evapi: number; http: number }, secret?: string): Promise<EvapiBridge> {
    const b = new EvapiBridge(await EvapiConnection.open(ports.evapi), ports.http, secret);
    await b.hello(secret);
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

  override async close(): Promise<void> {
    this.agent.destroy();
    await super.close();
  }
}
