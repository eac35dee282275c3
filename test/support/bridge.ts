/** Starts the real bridge (`node bin/stox.js bridge …`) as a separate process, so tests can SIGKILL it. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startProcess, type Managed } from "./process.js";

export interface BridgeOptions {
  dir: string;
  evapiPort: number;
  /** Overrides the command endpoint Kamailio's hello announces (`--kamailio_http_port`); normally unset. */
  httpPort?: number;
  prosodySocket: string;
  extra?: Record<string, string>;
  /** Log file name in `dir` (a fresh one per launch, so readiness checks see only this run). */
  logName?: string;
  /** Extra node flags, e.g. --expose-gc for memory measurements. */
  nodeArgs?: string[];
}

export function repoRoot(): string {
  // dist/test/support/bridge.js → repo root is three levels up
  return path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
}

export async function startBridge(opts: BridgeOptions, waitFor: RegExp[] = [/"msg":"evapi connected"/]): Promise<Managed> {
  const args = [
    ...(opts.nodeArgs ?? []),
    path.join(repoRoot(), "bin/stox.js"), "bridge",
    `--evapi_port=${opts.evapiPort}`, ...(opts.httpPort !== undefined ? [`--kamailio_http_port=${opts.httpPort}`] : []),
    `--prosody_socket=${opts.prosodySocket}`, "--prosody_socket_mode=384", "--log_level=debug",
    ...Object.entries(opts.extra ?? {}).map(([k, v]) => `--${k}=${v}`),
  ];
  const proc = startProcess("bridge", process.execPath, args, path.join(opts.dir, opts.logName ?? "bridge.log"));
  for (const p of waitFor) await proc.waitForLog(p, 15000);
  return proc;
}
