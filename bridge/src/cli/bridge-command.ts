/** `stox bridge [--name=value …]`: runs the bridge until SIGINT/SIGTERM; SIGUSR2 logs the counters. */
import { startBridge } from "../bridge.js";
import { readConfig } from "../runtime/config.js";
import { createLogger } from "../runtime/log.js";
import type { CliIo } from "./io.js";

export async function bridgeCommand(argv: string[], io: CliIo): Promise<number> {
  let cfg;
  try { cfg = readConfig(process.env, argv); } catch (e) {
    io.stderr.write(`stox bridge: ${(e as Error).message}\n`);
    return 1;
  }
  const log = createLogger(cfg.log_level);
  const bridge = await startBridge(cfg, log);
  log.info("bridge started", { evapi: `${cfg.evapi_host}:${cfg.evapi_port}`, prosody: cfg.prosody_socket });
  process.on("SIGUSR2", () => dumpMetrics(() => bridge.metrics.snapshot()));
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  log.info("bridge stopping", bridge.metrics.snapshot());
  await bridge.stop();
  return 0;
}

/**
 * Counters on demand, whatever the log level (an operator asked for them).
 * With --expose-gc (tests, diagnostics) a full collection runs first, so the
 * heap figure is live data only.
 */
function dumpMetrics(snapshot: () => Record<string, unknown>): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) gc();
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level: "info", msg: "metrics", ...snapshot() }) + "\n");
}
