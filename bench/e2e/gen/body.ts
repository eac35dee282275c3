/**
 * Message bodies that carry their own send time and step: every generator
 * (our XMPP senders, sipp with [timestamp]) writes the wall-clock send time
 * as epoch seconds with microseconds and a step key `k<N>`, and every
 * receiver (XMPP clients, the SIP UAS) computes one-way latency from it.
 *
 *   ours: "stox bench k12 1795245923.790744 s123"
 *   sipp: "stox bench k12 2026-11-21\t07:25:23.790744\t1795245923.790744 n17"
 */

/** Wall clock in epoch seconds with sub-millisecond resolution. */
export function epochSeconds(): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

export function makeBody(step: number, seq: number): string {
  return `stox bench k${step} ${epochSeconds().toFixed(6)} s${seq}`;
}

const STEP = /\bk(\d+)\b/;
const EPOCH = /\b(\d{10}\.\d{3,6})\b/;

/** The step and send time in a body, or undefined when it is not a benchmark body. */
export function parseBody(text: string): { step: number; sentAt: number } | undefined {
  const k = STEP.exec(text);
  const t = EPOCH.exec(text);
  if (!k || !t) return undefined;
  return { step: Number(k[1]), sentAt: Number(t[1]) };
}

/** Per-step tallies kept by a receiver: how many arrived and their latencies (ms). */
export class Arrivals {
  private readonly steps = new Map<number, { n: number; lat: number[] }>();

  record(step: number, latencyMs: number): void {
    let s = this.steps.get(step);
    if (s === undefined) { s = { n: 0, lat: [] }; this.steps.set(step, s); }
    s.n++;
    s.lat.push(Math.round(latencyMs * 1000) / 1000);
  }

  count(step: number): number {
    return this.steps.get(step)?.n ?? 0;
  }

  /** Returns and forgets what a step received. */
  take(step: number): { n: number; lat: number[] } {
    const s = this.steps.get(step) ?? { n: 0, lat: [] };
    this.steps.delete(step);
    return s;
  }
}
