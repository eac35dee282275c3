/**
 * Bridge → Kamailio commands: one JSON command per HTTP/1.1 POST (design §3;
 * evapi drops client frames split in the length prefix, so it is not used
 * for commands).
 *
 * A small HTTP/1.1 client of its own rather than node:http, for two reasons
 * the end-to-end benchmark showed (bench/e2e, README "Benchmark results"):
 *  - the bridge holds a constant number of sockets whatever the load: a
 *    fixed pool of keep-alive connections is opened at start and re-opened
 *    (with backoff) when Kamailio closes one;
 *  - commands issued in the same tick are pipelined on one connection in a
 *    single write (Kamailio's xhttp answers pipelined requests in order):
 *    node:http spent most of the bridge's time in one writev per request and
 *    in its per-request machinery.
 * Each connection carries at most `maxDepth` commands in flight; a command
 * that gets no answer within its timeout fails, and so does the connection
 * it waits on (with every command behind it: the answers are in order).
 */
import net from "node:net";
import type { KamailioCommand } from "../../../common/src/wire/frames.js";
import { backoffDelay } from "../runtime/backoff.js";

export interface CommandAnswer {
  readonly status: number;
  readonly body: unknown;
}

interface InFlight {
  readonly resolve: (a: CommandAnswer) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const MAX_HEAD = 16384;
const MAX_BODY = 1 << 20;

/** One keep-alive connection: requests out in order, answers matched in order. */
class Connection {
  socket: net.Socket | undefined;
  readonly inFlight: InFlight[] = [];
  private out: string[] = [];
  private flushScheduled = false;
  private buf: Buffer | undefined;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  closed = false;

  constructor(private readonly host: string, private readonly port: number) {}

  get up(): boolean {
    return this.socket !== undefined && !this.socket.destroyed;
  }

  /** True while this connection has writes waiting for this tick's flush. */
  get batching(): boolean {
    return this.flushScheduled;
  }

  open(): void {
    if (this.closed || this.up) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.buf = undefined;
    socket.setKeepAlive(true, 5000);
    socket.on("connect", () => { this.attempt = 0; });
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => { /* 'close' follows and fails what is in flight */ });
    socket.on("close", () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.failAll(new Error("connection to kamailio closed"));
      if (!this.closed && this.retry === undefined) this.retry = setTimeout(() => { this.retry = undefined; this.open(); }, backoffDelay(this.attempt++, 100, 5000));
    });
  }

  send(request: string, entry: InFlight): void {
    this.inFlight.push(entry);
    this.out.push(request);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // every command issued before the event loop moves on goes out in one write
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
    for (const f of this.inFlight.splice(0)) { clearTimeout(f.timer); f.reject(e); }
  }

  private onData(chunk: Buffer): void {
    let buf = this.buf === undefined ? chunk : Buffer.concat([this.buf, chunk]);
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
      const entry = this.inFlight.shift();
      if (entry === undefined) return this.abort(new Error("unsolicited answer from kamailio"));
      clearTimeout(entry.timer);
      let body: unknown = text;
      try { body = JSON.parse(text); } catch { /* keep text */ }
      entry.resolve({ status: code, body });
      if (/^connection:[ \t]*close/im.test(head)) { this.buf = undefined; this.socket?.end(); return; }
    }
    this.buf = buf.length > 0 ? buf : undefined;
  }
}

export class CommandClient {
  private readonly pool: Connection[];
  private readonly prefix: string;
  private next = 0;

  /**
   * Opens `connections` keep-alive connections to host:port at once (the
   * default 4 matches the example cfg's tcp_children); each carries at most
   * `maxDepth` commands in flight. Commands beyond that wait in `waiting`.
   */
  constructor(private readonly host: string, private readonly port: number, secret?: string, path = "/stox", connections = 4, private readonly maxDepth = 32) {
    this.prefix = `POST ${path} HTTP/1.1\r\nHost: ${host.includes(":") ? `[${host}]` : host}:${port}\r\nContent-Type: application/json\r\n` +
      (secret !== undefined ? `X-Stox-Secret: ${secret}\r\n` : "") + "Content-Length: ";
    this.pool = Array.from({ length: Math.max(1, connections) }, () => new Connection(host, port));
    for (const c of this.pool) c.open();
  }

  post(command: KamailioCommand, timeoutMs = 5000): Promise<CommandAnswer> {
    const json = JSON.stringify(command);
    const request = `${this.prefix}${Buffer.byteLength(json, "utf8")}\r\n\r\n${json}`;
    return new Promise((resolve, reject) => {
      const conn = this.pick();
      if (conn === undefined) { reject(new Error("kamailio unreachable: no command connection")); return; }
      const timer = setTimeout(() => conn.abort(new Error("command timed out")), timeoutMs);
      conn.send(request, { resolve, reject, timer });
    });
  }

  /** Sockets currently held (for the constant-sockets goal). */
  get sockets(): number {
    return this.pool.filter((c) => c.up).length;
  }

  close(): void {
    for (const c of this.pool) c.close();
  }

  /**
   * The connection already collecting this tick's batch while it has room;
   * otherwise the least loaded connection that is up (round-robin among
   * equals); if none is up, one is re-opened at once (the command waits for
   * its connect, or fails with it).
   */
  private pick(): Connection | undefined {
    let best: Connection | undefined;
    for (let i = 0; i < this.pool.length; i++) {
      const c = this.pool[(this.next + i) % this.pool.length]!;
      if (!c.up || c.inFlight.length >= this.maxDepth) continue;
      if (c.batching) return c;
      if (best === undefined || c.inFlight.length < best.inFlight.length) best = c;
    }
    if (best !== undefined) {
      this.next = (this.pool.indexOf(best) + 1) % this.pool.length;
      return best;
    }
    const down = this.pool.find((c) => !c.up && !c.closed);
    if (down !== undefined) { down.open(); return down; }
    // every connection is up and full: the least loaded takes it anyway (bounded by the callers' caps)
    return this.pool.reduce((a, b) => (b.inFlight.length < a.inFlight.length ? b : a));
  }
}
