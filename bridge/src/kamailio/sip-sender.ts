/**
 * Sends `sip.send` commands and waits for the matching `sip.result` event
 * (evapi, correlated by `ref` = command id), or the local refusal Kamailio
 * returns in the HTTP answer, or a timeout — exactly one result per send.
 */
import { commandAnswerBody, type CommandAnswerBody, type SipResultEvent, type SipSendCommand } from "../../../common/src/wire/frames.js";
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
        const body = commandAnswerBody.parse(answer.body);
        if (answer.status !== 200 || body.ok === false) this.finish(cmd.id, { code: refusalCode(answer.status, body), reason: "Refused by Kamailio", timedOut: false });
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

/**
 * The SIP code of a local refusal (docs/wire.md): the `sip.result` code in the
 * body, else the HTTP status (which is the SIP code), else 500.
 */
function refusalCode(status: number, body: CommandAnswerBody): number {
  if (body.code !== undefined && body.code >= 300) return body.code;
  return status >= 300 && status <= 699 ? status : 500;
}
