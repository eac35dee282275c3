/**
 * The bridge end of the Prosody link (docs/wire.md): a unix-socket (or loopback
 * TCP) server speaking 4-byte length + MessagePack frames. One Prosody is the
 * active peer (the latest that said `hello`). Requests that expect an answer
 * (`xmpp.deliver` → `xmpp.outcome`) are correlated by id with a timeout.
 */
import { newId } from "../runtime/ids.js";
import net from "node:net";
import fs from "node:fs";
import { decodeMsgpack, encodeFrame, FramingError, LengthPrefixedDecoder } from "../../../common/src/wire/length-prefixed.js";
import { classifyFrame, typeForLog } from "../../../common/src/wire/frame-table.js";
import {
  PROTOCOL_VERSION, PROSODY_FRAMES,
  type BridgeToProsody, type ErrorFrame, type ProsodyHello, type ResolveRequest, type XmppOutcome, type XmppStanzaFrame,
} from "../../../common/src/wire/frames.js";
import type { Logger } from "../runtime/log.js";
import { restrictSocket } from "./socket-owner.js";
import type { Metrics } from "../runtime/metrics.js";

export interface ProsodyLinkOptions {
  readonly socketPath?: string;
  readonly tcp?: { host: string; port: number };
  readonly socketMode: number;
  /** Group given the socket (e.g. Debian's `prosody`); unset = the bridge's own group. */
  readonly socketGroup?: string;
  readonly secret?: string;
  readonly maxFrame: number;
  readonly onHello: (hello: ProsodyHello) => void;
  readonly onStanza: (frame: XmppStanzaFrame) => void;
  /** mod_stox asks how to route a domain (docs/resolution.md); answered with `resolved`. */
  readonly onResolve?: (frame: ResolveRequest) => void;
  readonly log: Logger;
  readonly metrics: Metrics;
  /** Keepalive: a ping this often; a link silent for 3 intervals is dropped (half-open). */
  readonly pingIntervalMs?: number;
  /** Bytes queued on the socket beyond which new deliveries are refused (backpressure). */
  readonly maxBufferedBytes?: number;
}

/** Prosody's answer to a delivery, or why there is none. */
export type DeliveryResult = XmppOutcome | "no-link" | "timeout";

interface Pending { resolve: (o: DeliveryResult) => void; timer: NodeJS.Timeout; frame: Buffer }

export class ProsodyLink {
  private server: net.Server | undefined;
  private active: net.Socket | undefined;
  private readonly pending = new Map<string, Pending>();
  private readonly peers = new Set<net.Socket>();
  private readonly lastHeard = new WeakMap<net.Socket, number>();
  private pinger: NodeJS.Timeout | undefined;

  constructor(private readonly opts: ProsodyLinkOptions) {}

  get connected(): boolean {
    return this.active !== undefined;
  }

  async listen(): Promise<void> {
    const server = net.createServer((s) => this.accept(s));
    this.server = server;
    if (this.opts.socketPath !== undefined) {
      fs.rmSync(this.opts.socketPath, { force: true });
      await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(this.opts.socketPath, resolve); });
      restrictSocket(this.opts.socketPath, this.opts.socketMode, this.opts.socketGroup); // only the prosody user/group may connect (docs/robustness.md)
    } else if (this.opts.tcp !== undefined) {
      const { host, port } = this.opts.tcp;
      await new Promise<void>((resolve, reject) => { server.once("error", reject); server.listen(port, host, resolve); });
    } else throw new Error("ProsodyLink needs socketPath or tcp");
    const every = this.opts.pingIntervalMs ?? 5000;
    this.pinger = setInterval(() => this.keepalive(every), every);
    this.pinger.unref();
  }

  /** Pings the active peer; drops it when nothing was heard for three intervals. */
  private keepalive(every: number): void {
    const s = this.active;
    if (s === undefined) return;
    if (Date.now() - (this.lastHeard.get(s) ?? 0) > 3 * every) {
      this.opts.log.warn("prosody link silent, dropping it", { silent_ms: Date.now() - (this.lastHeard.get(s) ?? 0) });
      s.destroy();
      return;
    }
    s.write(encodeFrame({ type: "ping", v: PROTOCOL_VERSION, id: newId() } satisfies BridgeToProsody));
  }

  /**
   * Sends `xmpp.deliver`; resolves with Prosody's outcome, "no-link", or
   * "timeout". A delivery in flight when the link drops is re-sent with the
   * same id once Prosody is back (mod_stox suppresses the duplicate by id);
   * if the link is still down at the deadline the answer is "no-link".
   */
  deliver(xml: string, timeoutMs: number): Promise<DeliveryResult> {
    const id = newId();
    if (this.active === undefined) return Promise.resolve("no-link");
    if (this.active.writableLength > (this.opts.maxBufferedBytes ?? 8 << 20)) return Promise.resolve("no-link");
    const frame = encodeFrame({ type: "xmpp.deliver", v: PROTOCOL_VERSION, id, xml } satisfies BridgeToProsody);
    this.active.write(frame);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        resolve(this.active === undefined ? "no-link" : "timeout");
      }, timeoutMs);
      this.pending.set(id, { resolve, timer, frame });
    });
  }

  /** Deliveries waiting for an outcome (bounded by the callers' in-flight caps). */
  get inFlight(): number {
    return this.pending.size;
  }

  send(frame: BridgeToProsody): boolean {
    if (this.active === undefined) return false;
    this.active.write(encodeFrame(frame));
    return true;
  }

  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const p of this.pending.values()) { clearTimeout(p.timer); p.resolve("no-link"); }
    this.pending.clear();
    for (const s of this.peers) s.destroy();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private accept(socket: net.Socket): void {
    const decoder = new LengthPrefixedDecoder(this.opts.maxFrame);
    this.peers.add(socket);
    let helloed = false;
    this.lastHeard.set(socket, Date.now());
    socket.on("data", (chunk) => {
      this.lastHeard.set(socket, Date.now());
      let payloads: Buffer[];
      try { payloads = decoder.push(chunk); } catch (e) {
        this.opts.log.warn("prosody stream broken", { error: e instanceof FramingError ? e.message : String(e) });
        this.reject(socket, undefined, "bad-framing", "frame length over the cap");
        socket.destroy();
        return;
      }
      for (const p of payloads) helloed = this.guarded(socket, p, helloed);
    });
    socket.on("error", () => {});
    socket.on("close", () => {
      this.peers.delete(socket);
      if (this.active === socket) {
        this.active = undefined;
        this.opts.log.warn("prosody link down");
      }
    });
  }

  /**
   * The last line of defence: a frame whose handling throws is counted and
   * logged, and the link reads on (a throw out of a socket's data handler
   * would end the process).
   */
  private guarded(socket: net.Socket, payload: Buffer, helloed: boolean): boolean {
    try {
      return this.dispatch(socket, payload, helloed);
    } catch (e) {
      this.opts.metrics.frame("prosody", "handler-error");
      this.opts.log.error("prosody frame handler failed", { error: e instanceof Error ? e.message : typeof e });
      return helloed;
    }
  }

  /** Returns whether the peer has completed hello. */
  private dispatch(socket: net.Socket, payload: Buffer, helloed: boolean): boolean {
    let value: unknown;
    try { value = decodeMsgpack(payload); } catch {
      this.opts.metrics.frame("prosody", "undecodable");
      this.reject(socket, undefined, "bad-frame", "not MessagePack");
      return helloed;
    }
    const ref = typeof value === "object" && value !== null && Object.hasOwn(value, "id") && typeof (value as { id?: unknown }).id === "string" ? (value as { id: string }).id : undefined;
    const c = classifyFrame(PROSODY_FRAMES, value);
    if (c.kind === "unknown-type") {
      this.opts.metrics.frame("prosody", "unknown-type");
      this.reject(socket, ref, "unknown-type", `unknown frame type ${typeForLog(c.type)}`);
      return helloed;
    }
    if (c.kind === "invalid") {
      this.opts.metrics.frame("prosody", "invalid");
      this.reject(socket, ref, "bad-frame", `${c.problem.path}: ${c.problem.message}`);
      return helloed;
    }
    this.opts.metrics.frame("prosody", c.type);
    const frame = c.frame as { type: string; id: string };
    if (frame.type === "hello") return this.onHello(socket, frame as ProsodyHello);
    if (!helloed) {
      this.reject(socket, frame.id, "no-hello", "hello first");
      return false;
    }
    switch (frame.type) {
      case "xmpp.outcome": this.settle(frame as XmppOutcome); break;
      case "xmpp.stanza": this.opts.onStanza(frame as XmppStanzaFrame); break;
      case "resolve": this.opts.onResolve?.(frame as ResolveRequest); break;
      case "ping": socket.write(encodeFrame({ type: "pong", v: PROTOCOL_VERSION, id: newId(), ref: frame.id })); break;
      case "error": this.onRefusal(frame as ErrorFrame); break;
    }
    return true;
  }

  private onHello(socket: net.Socket, hello: ProsodyHello): boolean {
    if (this.opts.secret !== undefined && hello.secret !== this.opts.secret) {
      this.opts.log.warn("prosody hello with a wrong secret refused");
      this.reject(socket, hello.id, "forbidden", "wrong secret");
      socket.end();
      return false;
    }
    if (this.active !== undefined && this.active !== socket) this.active.destroy(); // the newest Prosody wins
    this.active = socket;
    socket.write(encodeFrame({ type: "hello", v: PROTOCOL_VERSION, id: newId(), ref: hello.id, role: "bridge", version: "0.1.0" }));
    for (const p of this.pending.values()) socket.write(p.frame); // re-sent with the same ids
    this.opts.log.info("prosody link up", { hosts: hello.hosts, components: hello.components });
    this.opts.onHello(hello);
    return true;
  }

  private settle(outcome: XmppOutcome): void {
    const p = this.pending.get(outcome.ref);
    if (p === undefined) { this.opts.log.debug("late xmpp.outcome", { ref: outcome.ref }); return; }
    this.pending.delete(outcome.ref);
    clearTimeout(p.timer);
    p.resolve(outcome);
  }

  /** mod_stox answers an unusable deliver with an `error` frame instead of an outcome (docs/wire.md). */
  private onRefusal(frame: ErrorFrame): void {
    this.opts.log.warn("prosody refused a frame", { code: frame.code, message: frame.message });
    if (frame.ref === undefined || !this.pending.has(frame.ref)) return;
    this.settle({
      type: "xmpp.outcome", v: PROTOCOL_VERSION, id: frame.id, ref: frame.ref, outcome: "error",
      condition: frame.code === "bad-address" ? "jid-malformed" : "internal-server-error", error_type: "cancel",
    });
  }

  private reject(socket: net.Socket, ref: string | undefined, code: string, message: string): void {
    const frame: BridgeToProsody = { type: "error", v: PROTOCOL_VERSION, id: newId(), code, message, ...(ref !== undefined ? { ref } : {}) };
    if (!socket.destroyed) socket.write(encodeFrame(frame));
  }
}
