/**
 * The whole product on loopback for e2e tests: real Kamailio (example cfg +
 * stox.cfg), real Prosody (example config + mod_stox), and the real bridge
 * process. Every process is stopped by PID; logs are kept in `dir` and their
 * tails printed when a test fails.
 */
import path from "node:path";
import { freePorts } from "../support/ports.js";
import { tempDir, tail, type Managed } from "../support/process.js";
import { startKamailio, type RunningKamailio } from "../support/kamailio.js";
import { startProsody } from "../support/prosody.js";
import { startBridge } from "../support/bridge.js";

export const SIP_DOMAIN = "sip.stox.test";
export const XMPP_DOMAIN = "xmpp.stox.test";
export const XMPP_USERS = [
  { user: "juliet", password: "juliet-secret" },
  { user: "romeo", password: "romeo-secret" },
  { user: "nurse", password: "nurse-secret" },
];

/** Without a test DNS server the bridge still asks only loopback (nothing listens there: lookups fail fast). */
const NO_DNS = "127.0.0.1:9";

export interface Stack {
  readonly dir: string;
  readonly ports: { sip: number; http: number; evapi: number; c2s: number; s2s: number };
  readonly kamailio: RunningKamailio;
  readonly prosody: Awaited<ReturnType<typeof startProsody>>;
  bridge: Managed;
  readonly socket: string;
  startBridge(extra?: Record<string, string>): Promise<Managed>;
  logs(): string;
  stop(): Promise<void>;
}

export async function startStack(opts: { kamailioTimeoutMs?: number; kamailioDefines?: Record<string, string | true>; kamailioShmMb?: number; prosodySmacks?: boolean; bridgeExtra?: Record<string, string>; dnsServer?: string; s2sPort?: number; foreignSipDomains?: string[] } = {}): Promise<Stack> {
  const dir = tempDir("e2e");
  const [sip, http, evapi, c2s, s2sFree] = await freePorts(5) as [number, number, number, number, number];
  const s2s = opts.s2sPort ?? s2sFree;
  const socket = path.join(dir, "bridge.sock");
  const kamailio = await startKamailio({
    dir: path.join(dir, "kamailio"), sipPort: sip, httpPort: http, evapiPort: evapi,
    xmppDomains: [XMPP_DOMAIN], sipDomains: [SIP_DOMAIN], timeoutMs: opts.kamailioTimeoutMs ?? 8000,
    ...(opts.kamailioDefines !== undefined ? { defines: opts.kamailioDefines } : {}),
    ...(opts.kamailioShmMb !== undefined ? { shmMb: opts.kamailioShmMb } : {}),
  });
  const prosody = await startProsody({
    dir: path.join(dir, "prosody"), c2sPort: c2s, s2sPort: s2s, bridgeSocket: socket, vhost: XMPP_DOMAIN,
    sipComponent: SIP_DOMAIN, foreignSipDomains: opts.foreignSipDomains ?? ["sip.example.org"], users: XMPP_USERS,
    ...(opts.dnsServer !== undefined ? { dnsServer: opts.dnsServer } : {}),
    ...(opts.prosodySmacks === true ? { smacks: true } : {}),
  } as Parameters<typeof startProsody>[0]);
  let launches = 0;
  const launch = (extra: Record<string, string> = {}) =>
    startBridge({ dir, evapiPort: evapi, prosodySocket: socket, logName: `bridge-${++launches}.log`, extra: { dns_server: opts.dnsServer ?? NO_DNS, ...opts.bridgeExtra, ...extra } },
      [/"msg":"kamailio hello"/, /"msg":"prosody link up"/]);
  const stack: Stack = {
    dir, socket, kamailio, prosody,
    ports: { sip, http, evapi, c2s, s2s },
    bridge: await launch(),
    async startBridge(extra) {
      stack.bridge = await launch(extra);
      return stack.bridge;
    },
    logs() {
      return [
        "--- bridge ---", tail(stack.bridge.log(), 40),
        "--- kamailio ---", kamailio.logTail(40),
        "--- prosody ---", tail(prosody.proc.log(), 40),
      ].join("\n");
    },
    async stop() {
      await stack.bridge.stop();
      await prosody.stop();
      await kamailio.stop();
    },
  };
  return stack;
}

/** Runs a test body; when it fails, the tails of the stack's logs (and `extra()`) join the error. */
export async function withStackLogs<T>(stack: Stack, fn: () => Promise<T>, extra: () => string = () => ""): Promise<T> {
  try { return await fn(); } catch (e) {
    (e as Error).message += `\n${extra()}${stack.logs()}`;
    throw e;
  }
}
