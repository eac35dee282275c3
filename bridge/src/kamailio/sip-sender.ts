/**
 * Sends `sip.send` commands and waits for the matching `sip.result` event
 * (evapi, correlated by `ref` = command id), or the local refusal Kamailio
 * returns in the HTTP answer, or a timeout — exactly one result per send.
 */
import type { SipResultEvent, SipSendCommand } from "../../../common/src/wire/frames.js";
import type { CommandClient } from "./command-client.js";

export interface SipResult { readonly code: number; readonly reason?: string; readonly timedOut: boolean }

interface Waiter { resolve: (r: SipResult) => void; timer: NodeJS.Timeout }

export class SipSender {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly commands: CommandClient, private readonly timeoutMs: number) {}

  send(cmd: SipSendCommand): Promise<SipResult> {
    const result = new Promise<SipResult>((resolve) => {
      const timer = setTimeout(() => this.finish(cmd.id, { code: 408, reason: "Request Timeout", timedOut: true }), this.timeoutMs);
      this.waiting.set(cmd.id, { resolve, timer });
    });
    this.commands.post(cmd).then(
      (answer) => {
        const body = answer.body as { ok?: boolean; code?: unknown } | undefined;
        if (answer.status !== 200 || body?.ok === false) {
          const code = typeof body?.code === "number" ? body.code : Number(body?.code) || 500;
          this.finish(cmd.id, { code: code >= 300 ? code : 500, reason: "Refused by Kamailio", timedOut: false });
        }
      },
      () => this.finish(cmd.id, { code: 503, reason: "Kamailio Unreachable", timedOut: false }),
    );
    return result;
  }

  /** Called for every `sip.result` event from evapi. */
  onResult(ev: SipResultEvent): void {
    const timedOut = ev.evtype === 2; // uac:reply evtype 2 = local timeout (408)
    this.finish(ev.ref, { code: ev.code, ...(ev.reason !== undefined ? { reason: ev.reason } : {}), timedOut });
  }

  /**
   * The evapi link dropped: results of requests already handed to Kamailio can
   * no longer reach us, so each is answered now as a timeout (the sender gets
   * `<remote-server-timeout/>`, wait) instead of after the full timer.
   */
  failAll(reason: string): number {
    const ids = [...this.waiting.keys()];
    for (const id of ids) this.finish(id, { code: 408, reason, timedOut: true });
    return ids.length;
  }

  get pending(): number {
    return this.waiting.size;
  }

  private finish(id: string, r: SipResult): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve(r);
  }
}
