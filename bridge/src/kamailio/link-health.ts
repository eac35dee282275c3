/**
 * Kamailio link health (issue "link health"): every `intervalMs` the bridge
 * POSTs a `ping` command; Kamailio answers with a `pong` on the evapi
 * connection. A missing pong within `timeoutMs` means one of the two links is
 * dead or half-open: the evapi connection is dropped and re-established.
 */
import { newId } from "../runtime/ids.js";
import { PROTOCOL_VERSION, type PingCommand } from "../../../common/src/wire/frames.js";
import type { Logger } from "../runtime/log.js";

export interface LinkHealthOptions {
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly isUp: () => boolean;
  readonly post: (cmd: PingCommand) => Promise<unknown>;
  readonly onDead: () => void;
  readonly log: Logger;
}

export class LinkHealth {
  private timer: NodeJS.Timeout | undefined;
  private waiting: { id: string; deadline: NodeJS.Timeout } | undefined;

  constructor(private readonly opts: LinkHealthOptions) {}

  start(): void {
    this.timer = setInterval(() => this.probe(), this.opts.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.waiting) clearTimeout(this.waiting.deadline);
    this.waiting = undefined;
  }

  /** Called for every `pong` event from evapi. */
  onPong(ref: string | undefined): void {
    if (this.waiting !== undefined && ref === this.waiting.id) this.alive();
  }

  /**
   * Called for every evapi frame: traffic proves the link is alive. Under load
   * the pong may queue behind thousands of events; a busy link is not a dead one.
   */
  onTraffic(): void {
    if (this.waiting !== undefined) this.alive();
  }

  private alive(): void {
    clearTimeout(this.waiting!.deadline);
    this.waiting = undefined;
  }

  private probe(): void {
    if (!this.opts.isUp() || this.waiting !== undefined) return;
    const id = newId();
    const deadline = setTimeout(() => {
      this.waiting = undefined;
      this.opts.log.warn("kamailio link silent: no pong, reconnecting evapi", { timeout_ms: this.opts.timeoutMs });
      this.opts.onDead();
    }, this.opts.timeoutMs);
    this.waiting = { id, deadline };
    this.opts.post({ type: "ping", v: PROTOCOL_VERSION, id }).catch(() => { /* the deadline decides */ });
  }
}
