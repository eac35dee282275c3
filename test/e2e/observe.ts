/**
 * Waiting on what the product reports instead of on the clock: the bridge's
 * counters (SIGUSR2 → one "metrics" log line, bridge/src/cli/bridge-command.ts)
 * and log lines that appear after a mark.
 */
import type { Managed } from "../support/process.js";

/** The bridge's counters now: frames by link and type, outcomes by direction. */
export async function bridgeCounters(bridge: Managed, ms = 5000): Promise<{ frames: Record<string, number>; outcomes: Record<string, number> }> {
  const mark = bridge.log().length;
  bridge.child.kill("SIGUSR2");
  await bridge.waitForLog(/"msg":"metrics"/, ms, mark);
  const line = bridge.log().slice(mark).split("\n").find((l) => l.includes('"msg":"metrics"'))!;
  const parsed = JSON.parse(line) as { frames: Record<string, number>; outcomes: Record<string, number> };
  return { frames: parsed.frames, outcomes: parsed.outcomes };
}

/** Resolves once `pred` holds for the bridge's counters; asks at most `tries` times. */
export async function untilCounters(bridge: Managed, pred: (c: Awaited<ReturnType<typeof bridgeCounters>>) => boolean, what: string, tries = 100): Promise<void> {
  let last: Awaited<ReturnType<typeof bridgeCounters>> | undefined;
  for (let i = 0; i < tries; i++) {
    last = await bridgeCounters(bridge);
    if (pred(last)) return;
  }
  throw new Error(`bridge counters never showed ${what}: ${JSON.stringify(last)}`);
}
