/**
 * Sends `sip.send` commands and waits for the matching `sip.result` events
 * (evapi, correlated by `ref` = command id), or the local refusal Kamailio
 * returns in the HTTP answer, or a timeout — exactly one result per send.
 *
 * Kamailio sends one MESSAGE per registered contact of the AOR and says how
 * many in its HTTP answer (`branches`); each branch reports its own
 * `sip.result`. The outcome is chosen as RFC 3261 §16.7 says
 * (common/src/sip/best-response.ts): the first 2xx at once, otherwise the
 * best failure once every branch has answered. A branch still silent when
 * the timer fires or the link drops counts as 408 (§16.8).
 */
import { commandAnswerBody, parseFrame, sipSendAccepted, type CommandAnswerBody, type SipResultEvent, type SipSendCommand } from "../../../common/src/wire/frames.js";
import { bestResponse, forkOutcome, type BranchResponse } from "../../../common/src/sip/best-response.js";
import type { CommandClient } from "./command-client.js";

export interface SipResult { readonly code: number; readonly reason?: string; readonly timedOut: boolean }

interface Waiter {
  resolve: (r: SipResult) => void;
  timer: NodeJS.Timeout;
  /** Known once the HTTP answer is in (results may arrive before it). */
  branches: number | undefined;
  /** Final response per branch index: a repeated event does not count twice. */
  readonly responses: Map<number, BranchResponse>;
}

const TIMEOUT: BranchResponse = { code: 408, reason: "Request Timeout", timedOut: true };

export class SipSender {
  private readonly waiting = new Map<string, Waiter>();

  constructor(private readonly commands: CommandClient, private readonly timeoutMs: number) {}

  send(cmd: SipSendCommand): Promise<SipResult> {
    const result = new Promise<SipResult>((resolve) => {
      const timer = setTimeout(() => this.giveUp(cmd.id, "Request Timeout"), this.timeoutMs);
      this.waiting.set(cmd.id, { resolve, timer, branches: undefined, responses: new Map() });
    });
    this.commands.post(cmd).then(
      (answer) => {
        const body = commandAnswerBody.parse(answer.body);
        if (answer.status !== 200 || body.ok === false) {
          this.finish(cmd.id, { code: refusalCode(answer.status, body), reason: "Refused by Kamailio", timedOut: false });
          return;
        }
        const accepted = parseFrame(sipSendAccepted, answer.body);
        this.branchesKnown(cmd.id, accepted.ok ? accepted.frame.branches ?? 1 : 1);
      },
      () => this.finish(cmd.id, { code: 503, reason: "Kamailio Unreachable", timedOut: false }),
    );
    return result;
  }

  /** Called for every `sip.result` event from evapi. */
  onResult(ev: SipResultEvent): void {
    const w = this.waiting.get(ev.ref);
    if (w === undefined) return; // decided already (a 2xx won) or unknown
    const timedOut = ev.evtype === 2; // uac:reply evtype 2 = local timeout (408)
    w.responses.set(ev.branch ?? 0, { code: ev.code, ...(ev.reason !== undefined ? { reason: ev.reason } : {}), timedOut });
    this.decide(ev.ref, w);
  }

  /**
   * The evapi link dropped: results of requests already handed to Kamailio can
   * no longer reach us, so each is answered now (a silent branch as a timeout:
   * the sender gets `<remote-server-timeout/>`, wait) instead of after the full timer.
   */
  failAll(reason: string): number {
    const ids = [...this.waiting.keys()];
    for (const id of ids) this.giveUp(id, reason);
    return ids.length;
  }

  get pending(): number {
    return this.waiting.size;
  }

  private branchesKnown(id: string, branches: number): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    w.branches = branches;
    this.decide(id, w);
  }

  private decide(id: string, w: Waiter): void {
    const outcome = forkOutcome([...w.responses.values()], w.branches ?? Number.POSITIVE_INFINITY);
    if (outcome !== undefined) this.finish(id, outcome);
  }

  /** No more results will come: the silent branches count as 408 (RFC 3261 §16.8). */
  private giveUp(id: string, reason: string): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    const silent = Math.max((w.branches ?? 1) - w.responses.size, 0);
    const all = [...w.responses.values(), ...Array.from({ length: silent }, () => ({ ...TIMEOUT, reason }))];
    this.finish(id, forkOutcome(all, all.length) ?? bestResponse(all));
  }

  private finish(id: string, r: BranchResponse): void {
    const w = this.waiting.get(id);
    if (w === undefined) return;
    this.waiting.delete(id);
    clearTimeout(w.timer);
    w.resolve({ code: r.code, ...(r.reason !== undefined ? { reason: r.reason } : {}), timedOut: r.timedOut === true });
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
