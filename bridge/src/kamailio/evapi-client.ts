/**
 * The bridge's evapi connection to Kamailio (docs/wire.md): a TCP client that
 * tags itself with a `hello`, then reads netstring JSON events continuously
 * (evapi writes block; a stalled reader stalls Kamailio's SIP workers), and
 * reconnects with jittered backoff.
 */
import { newId } from "../runtime/ids.js";
import net from "node:net";
import { encodeNetstring, NetstringDecoder, FramingError } from "../../../common/src/wire/netstring.js";
import { PROTOCOL_VERSION } from "../../../common/src/wire/frames.js";
import { backoffDelay } from "../runtime/backoff.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";

export interface EvapiClientOptions {
  readonly host: string;
  readonly port: number;
  readonly secret?: string;
  readonly maxFrame: number;
  readonly onEvent: (value: unknown, raw: Buffer) => void;
  readonly onState: (up: boolean) => void;
  readonly log: Logger;
  /** Counts events whose handling threw (`kamailio:handler-error`). */
  readonly metrics?: Metrics;
}

export class EvapiClient {
  private socket: net.Socket | undefined;
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly opts: EvapiClientOptions) {}

  start(): void {
    this.connect();
  }

  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.socket?.destroy();
  }

  /** Drops the current connection (a half-open link); the usual backoff reconnects. */
  reconnect(): void {
    this.socket?.destroy();
  }

  get connected(): boolean {
    return this.socket !== undefined && !this.socket.connecting && !this.socket.destroyed;
  }

  private connect(): void {
    const { host, port, log } = this.opts;
    const socket = net.connect({ host, port });
    const decoder = new NetstringDecoder(this.opts.maxFrame);
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 5000);
    socket.on("connect", () => {
      this.attempt = 0;
      log.info("evapi connected", { host, port });
      const hello = { type: "hello", v: PROTOCOL_VERSION, id: newId(), role: "bridge", secret: this.opts.secret };
      socket.write(encodeNetstring(JSON.stringify(hello)));
      this.opts.onState(true);
    });
    socket.on("data", (chunk) => {
      let payloads: Buffer[];
      try {
        payloads = decoder.push(chunk);
      } catch (e) {
        log.error("evapi stream broken, reconnecting", { error: e instanceof FramingError ? e.message : String(e) });
        socket.destroy();
        return;
      }
      for (const p of payloads) this.dispatch(p);
      this.nudge(socket);
    });
    socket.on("error", (e) => log.debug("evapi socket error", { error: e.message }));
    socket.on("close", () => {
      if (this.socket === socket) this.socket = undefined;
      this.opts.onState(false);
      if (this.closed) return;
      const delay = backoffDelay(this.attempt++);
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }

  /**
   * evapi accepts our connection without TCP_NODELAY, so Kamailio's next small
   * event waits (Nagle) for the ACK of the previous one, which Linux delays up
   * to 40 ms: ~30 ms p50 on every SIP → XMPP message. A one-byte write per
   * batch of reads carries the ACK at once. The byte is a newline, which the
   * evapi netstring parser skips between frames (kamailio-module/README.md,
   * "Known limits"); it is sent
   * only after complete frames, never inside one.
   */
  private nudge(socket: net.Socket): void {
    if (this.nudgePending) return;
    this.nudgePending = true;
    setImmediate(() => {
      this.nudgePending = false;
      if (!socket.destroyed) socket.write("\n");
    });
  }

  private nudgePending = false;

  private dispatch(payload: Buffer): void {
    let value: unknown;
    try {
      value = JSON.parse(payload.toString("utf8"));
    } catch {
      this.opts.log.warn("evapi frame is not JSON", { bytes: payload.length });
      value = undefined;
    }
    try {
      this.opts.onEvent(value, payload);
    } catch (e) {
      // the last line of defence: a throw out of the socket's data handler would end the process
      this.opts.metrics?.frame("kamailio", "handler-error");
      this.opts.log.error("evapi event handler failed", { error: e instanceof Error ? e.message : typeof e });
    }
  }
}
