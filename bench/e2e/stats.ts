/** Latency summaries (nearest-rank percentiles) for the benchmark. */

export interface LatencySummary {
  readonly n: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

export function summarize(values: readonly number[]): LatencySummary {
  if (values.length === 0) return { n: 0, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  const v = Float64Array.from(values).sort();
  const at = (q: number) => v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))]!;
  let sum = 0;
  for (const x of v) sum += x;
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: v.length, p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(v[v.length - 1]!), mean: r(sum / v.length) };
}
