/**
 * Bridge → Kamailio commands: one JSON command per HTTP/1.1 POST to the
 * endpoint Kamailio announces in its hello (docs/wire.md; evapi drops client
 * frames split in the length prefix, so it is not used for commands).
 *
 * A small HTTP/1.1 client of its own rather than node:http, for what the
 * end-to-end benchmark showed (bench/e2e, README "Benchmark results"):
 *  - the bridge holds a constant number of sockets whatever the load: a
 *    fixed pool of keep-alive connections is opened at start and re-opened
 *    (with backoff) when Kamailio closes one;
 *  - node:http spent ~40 % of the bridge's busy time in its per-request
 *    machinery and one writev per request; here a request is one string,
 *    and the commands of one tick that go to the same connection share a
 *    write (HTTP/1.1 pipelining: Kamailio's xhttp answers them in order).
 * Pipelining stays shallow (`maxDepth` per connection, 2 by default):
 * Kamailio 5.6 searches everything it has buffered on a connection for
 * "Expect: 100-continue" once per request (tcp_http11_continue), so a deep
 * pipeline costs it quadratic time (str_casesearch rose to 10-40 % of its
 * CPU with 32 in flight). Commands beyond the pool's capacity wait here, in
 * order. A command that gets no answer within its timeout fails, and so does
 * the connection it waits on, with every command behind it (answers come in
 * order); a waiting command that times out just fails.
 */
import net from "node:net";
import type { KamailioCommand } from "../../../common/src/wire/frames.js";
import { backoffDelay } from "../runtime/backoff.js";

export interface CommandAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface Pending {
  readonly request: string;
  readonly resolve: (a: CommandAnswer) => void;
  readonly reject: (e: Error) => void;
  timer: NodeJS.Timeout | undefined;
  /** The connection carrying it; undefined while it waits for room. */
  conn: Connection | undefined;
}

const MAX_HEAD = 16384;
const MAX_BODY = 1 << 20;

/** One keep-alive connection: requests out in order, answers matched in order. */
class Connection {
  socket: net.Socket | undefined;
  readonly inFlight: Pending[] = [];
  private out: string[] = [];
  private flushScheduled = false;
  private buf: Buffer | undefined;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  closed = false;

  constructor(private readonly host: string, private readonly port: number, private readonly onRoom: (c: Connection) => void) {}

  get up(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  open(): void {
    if (this.closed || this.up) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.buf = undefined;
    socket.setKeepAlive(true, 5000);
    socket.on("connect", () => { this.attempt = 0; this.onRoom(this); });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => { /* 'close' follows and fails what is in flight */ });
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.failAll(new Error("connection to kamailio closed"));
      if (!this.closed && this.retry === undefined) {
        this.retry = setTimeout(() => { this.retry = undefined; this.open(); }, backoffDelay(this.attempt++, 100, 5000));
      }
    });
  }

  send(p: Pending): void {
    p.conn = this;
    this.inFlight.push(p);
    this.out.push(p.request);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // the commands issued before the event loop moves on go out in one write
    process.nextTick(() => this.flush());
  }

  /** Fails everything in flight and drops the connection (a timeout: nothing behind it can be answered first). */
  abort(reason: Error): void {
    this.failAll(reason);
    this.socket?.destroy();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.abort(new Error("command client closed"));
  }

  private flush(): void {
    this.flushScheduled = false;
    const out = this.out;
    this.out = [];
    if (out.length === 0) return;
    if (!this.up) { this.failAll(new Error("connection to kamailio closed")); return; }
    this.socket!.write(out.length === 1 ? out[0]! : out.join(""));
  }

  private failAll(e: Error): void {
    this.out = [];
    for (const p of this.inFlight.splice(0)) { clearTimeout(p.timer); p.reject(e); }
  }

  private onData(chunk: Buffer): void {
    let buf = this.buf === undefined ? chunk : Buffer.concat([this.buf, chunk]);
    let answered = false;
    for (;;) {
      const headEnd = buf.indexOf("\r\n\r\n");
      if (headEnd < 0) {
        if (buf.length > MAX_HEAD) return this.abort(new Error("kamailio answer head too large"));
        break;
      }
      const head = buf.toString("latin1", 0, headEnd);
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (status === null) return this.abort(new Error("not an HTTP answer from kamailio"));
      if (/^transfer-encoding:/im.test(head)) return this.abort(new Error("chunked answer from kamailio"));
      const cl = /^content-length:[ \t]*(\d+)/im.exec(head);
      const length = cl === null ? 0 : Number(cl[1]);
      if (length > MAX_BODY) return this.abort(new Error("kamailio answer too large"));
      const total = headEnd + 4 + length;
      if (buf.length < total) break;
      const code = Number(status[1]);
      const text = buf.toString("utf8", headEnd + 4, total);
      buf = buf.subarray(total);
      if (code < 200) continue; // 1xx: the final answer follows
      const p = this.inFlight.shift();
      if (p === undefined) return this.abort(new Error("unsolicited answer from kamailio"));
      clearTimeout(p.timer);
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* keep text */ }
      p.resolve({ status: code, body });
      answered = true;
      if (/^connection:[ \t]*close/im.test(head)) { this.buf = undefined; this.socket?.end(); return; }
    }
    this.buf = buf.length > 0 ? buf : undefined;
    if (answered) this.onRoom(this);
  }
}

/** Where Kamailio's xhttp listener takes commands (its hello's `http`, docs/wire.md). */
export interface Endpoint { readonly host: string; readonly port: number }

export class CommandClient {
  private pool: Connection[] = [];
  private prefix = "";
  private target: Endpoint | undefined;
  private readonly waiting: Pending[] = [];
  private next = 0;
  private closed = false;

  /**
   * Opens `connections` keep-alive connections to the endpoint at once (4 by
   * default: the example cfg's tcp_children); each carries at most
   * `maxDepth` commands at a time. Without an endpoint (it comes with
   * Kamailio's hello) commands fail at once until `setEndpoint`.
   */
  constructor(endpoint: Endpoint | undefined, private readonly secret?: string, private readonly path = "/stox", private readonly connections = 4, private readonly maxDepth = 2) {
    if (endpoint !== undefined) this.setEndpoint(endpoint);
  }

  get endpoint(): Endpoint | undefined {
    return this.target;
  }

  /**
   * Sends commands to `endpoint` from now on; returns false when it is the
   * current one. Connections to a previous endpoint are closed (their
   * commands fail); commands waiting for room go to the new one.
   */
  setEndpoint(endpoint: Endpoint): boolean {
    if (this.closed || (this.target?.host === endpoint.host && this.target.port === endpoint.port)) return false;
    const { host, port } = endpoint;
    const old = this.pool;
    this.target = { host, port };
    this.prefix = `POST ${this.path} HTTP/1.1\r\nHost: ${host.includes(":") ? `[${host}]` : host}:${port}\r\nContent-Type: application/json\r\n` +
      (this.secret !== undefined ? `X-Stox-Secret: ${this.secret}\r\n` : "") + "Content-Length: ";
    this.pool = Array.from({ length: Math.max(1, this.connections) }, () => new Connection(host, port, (c) => this.drain(c)));
    this.next = 0;
    for (const c of old) c.close();
    for (const c of this.pool) c.open();
    return true;
  }

  post(command: KamailioCommand, timeoutMs = 5000): Promise<CommandAnswer> {
    const json = JSON.stringify(command);
    const request = `${this.prefix}${Buffer.byteLength(json, "utf8")}\r\n\r\n${json}`;
    return new Promise((resolve, reject) => {
      if (this.target === undefined) { reject(new Error("no kamailio command endpoint yet (it comes with kamailio's hello)")); return; }
      const p: Pending = { request, resolve, reject, timer: undefined, conn: undefined };
      p.timer = setTimeout(() => this.expire(p), timeoutMs);
      const conn = this.pick();
      if (conn !== undefined) { conn.send(p); return; }
      if (!this.pool.some((c) => c.up)) {
        // nothing is up (Kamailio down or restarting): connect one now rather than after its
        // backoff; the command rides on it and fails at once if the connect does
        const c = this.pool.find((x) => !x.closed);
        c?.open();
        if (c?.up) { c.send(p); return; }
        clearTimeout(p.timer);
        reject(new Error("kamailio unreachable: no command connection"));
        return;
      }
      this.waiting.push(p);
    });
  }

  /** Sockets currently held (for the constant-sockets goal). */
  get sockets(): number {
    return this.pool.filter((c) => c.up).length;
  }

  /** Commands waiting for room on a connection. */
  get queued(): number {
    return this.waiting.length;
  }

  close(): void {
    this.closed = true;
    for (const c of this.pool) c.close();
    for (const p of this.waiting.splice(0)) { clearTimeout(p.timer); p.reject(new Error("command client closed")); }
  }

  private expire(p: Pending): void {
    if (p.conn !== undefined) { p.conn.abort(new Error("command timed out")); return; }
    const i = this.waiting.indexOf(p);
    if (i >= 0) this.waiting.splice(i, 1);
    p.reject(new Error("command timed out"));
  }

  /** Room on `c` (an answer came, or it connected): the oldest waiting commands go there. */
  private drain(c: Connection): void {
    while (this.waiting.length > 0 && c.up && c.inFlight.length < this.maxDepth) c.send(this.waiting.shift()!);
  }

  /** The least loaded connection that is up and has room (round-robin among equals), if any. */
  private pick(): Connection | undefined {
    if (this.waiting.length > 0) return undefined; // keep the order: the queue goes first
    let best: Connection | undefined;
    for (let i = 0; i < this.pool.length; i++) {
      const c = this.pool[(this.next + i) % this.pool.length]!;
      if (!c.up || c.inFlight.length >= this.maxDepth) continue;
      if (best === undefined || c.inFlight.length < best.inFlight.length) best = c;
    }
    if (best !== undefined) this.next = (this.pool.indexOf(best) + 1) % this.pool.length;
    return best;
  }
}
