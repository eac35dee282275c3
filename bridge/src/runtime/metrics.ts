/**
 * Every message ends in exactly one outcome, and it is counted
 * (docs/operations.md): per direction and outcome, plus a latency histogram.
 * Never user addresses in labels.
 */
export type Direction = "sip-to-xmpp" | "xmpp-to-sip";
export type Outcome = "delivered" | "stored" | "relayed" | "errored" | "refused" | "ignored";

const BUCKETS_MS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000, Infinity];

export class Metrics {
  readonly outcomes = new Map<string, number>();
  readonly frames = new Map<string, number>();
  private readonly latency = new Map<Direction, number[]>();

  outcome(direction: Direction, outcome: Outcome, detail: string, ms: number): void {
    const key = `${direction}:${outcome}:${detail}`;
    this.outcomes.set(key, (this.outcomes.get(key) ?? 0) + 1);
    const hist = this.latency.get(direction) ?? BUCKETS_MS.map(() => 0);
    hist[BUCKETS_MS.findIndex((b) => ms <= b)]! += 1;
    this.latency.set(direction, hist);
  }

  frame(link: "kamailio" | "prosody", what: string): void {
    const key = `${link}:${what}`;
    this.frames.set(key, (this.frames.get(key) ?? 0) + 1);
  }

  snapshot(): Record<string, unknown> {
    const mem = process.memoryUsage();
    return {
      memory: { rss: mem.rss, heap_used: mem.heapUsed },
      outcomes: Object.fromEntries(this.outcomes),
      frames: Object.fromEntries(this.frames),
      latency_ms_buckets: Object.fromEntries(
        [...this.latency].map(([d, h]) => [d, Object.fromEntries(h.map((n, i) => [String(BUCKETS_MS[i]), n]))]),
      ),
    };
  }
}
