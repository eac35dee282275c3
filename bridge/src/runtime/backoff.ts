/** Reconnect delays: exponential with full jitter, capped (docs/robustness.md). */
export function backoffDelay(attempt: number, baseMs = 200, capMs = 10000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(attempt, 16));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
