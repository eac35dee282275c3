/**
 * What the four benchmark paths share: the rig (stack + load generators),
 * the raw outcome of one load step, and the XMPP-worker helpers.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchStack } from "../stack.js";
import type { Answer, WorkerHandle } from "../gen/ipc.js";
import type { SippUas } from "../sipp.js";

export interface Rig {
  readonly root: string;
  readonly dir: string;
  readonly stack: BenchStack;
  /** XMPP load-generator processes, each with its share of sender and receiver connections. */
  readonly xmpp: WorkerHandle[];
  /** Bare JIDs of the receiving accounts (one connection each). */
  readonly receivers: string[];
  /** The Node SIP UAS process (XMPP → SIP) and the AORs it registered. */
  readonly uas: WorkerHandle;
  readonly uasAors: string[];
  /** AORs with two contacts: registered by `uas` and by `uas2` (path 5, forking). */
  readonly uas2: WorkerHandle;
  readonly forkAors: string[];
  /** The sipp UAS (native SIP ceiling) and the AORs registered for its port. */
  readonly sippUas: SippUas;
  readonly sippAors: string[];
  /** The running sipp UAC, if any (its CPU is counted as a generator). */
  uacPid: number | undefined;
}

/** One load step as the generators saw it. */
export interface RawStep {
  readonly sent: number;
  /** Seconds from the first to the last send. */
  readonly sendSeconds: number;
  /** Messages whose sender got a success (SIP 2xx) or no error (XMPP senders: sent − error stanzas). */
  readonly ok: number;
  readonly received: number;
  readonly errors: number;
  /** One-way latencies (send time in the body → arrival at the receiver), ms. */
  readonly e2e: number[];
  /** SIP MESSAGE → 200 round trips at the sender, ms (SIP senders only). */
  readonly rtt?: number[];
  readonly retransmissions?: number;
  /** The most sends a generator was behind its schedule (XMPP senders). */
  readonly lagMax?: number;
}

export interface BenchPath {
  readonly id: 1 | 2 | 3 | 4 | 5;
  readonly key: "sip-native" | "xmpp-native" | "sip-to-xmpp" | "xmpp-to-sip" | "xmpp-to-sip-2-contacts";
  readonly title: string;
  readonly viaBridge: boolean;
  /** The load generators this path uses (names of watched process groups). */
  readonly generators: readonly string[];
  run(rate: number, seconds: number, step: number, settleMs: number): Promise<RawStep>;
}

/** Polls `done` every 50 ms until it is true or `ms` have passed. */
export async function settle(done: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await done()) return;
    await sleep(50);
  }
}

interface SendAnswer extends Answer { sent: number; ms: number; lagMax: number }
interface CountAnswer extends Answer { received: number; errors: number }
interface TakeAnswer extends Answer { received: number; lat: number[]; errors: number }

/** Every XMPP worker offers its share of `rate` for `seconds`; resolves when all are done sending. */
export async function xmppSend(rig: Rig, rate: number, seconds: number, step: number, targets: readonly string[]): Promise<{ sent: number; sendSeconds: number; lagMax: number }> {
  const share = rate / rig.xmpp.length;
  const answers = await Promise.all(rig.xmpp.map((w, i) => {
    // each worker starts at a different target so that all receivers get the same share
    const off = Math.floor((i * targets.length) / rig.xmpp.length);
    const rotated = [...targets.slice(off), ...targets.slice(0, off)];
    return w.call<SendAnswer>("send", { step, rate: share, durationMs: seconds * 1000, targets: rotated }, (seconds + 30) * 1000);
  }));
  return {
    sent: answers.reduce((s, a) => s + a.sent, 0),
    sendSeconds: Math.max(...answers.map((a) => a.ms)) / 1000,
    lagMax: Math.max(...answers.map((a) => a.lagMax)),
  };
}

export async function xmppCount(rig: Rig, step: number): Promise<{ received: number; errors: number }> {
  const a = await Promise.all(rig.xmpp.map((w) => w.call<CountAnswer>("count", { step })));
  return { received: a.reduce((s, x) => s + x.received, 0), errors: a.reduce((s, x) => s + x.errors, 0) };
}

export async function xmppTake(rig: Rig, step: number): Promise<{ received: number; lat: number[]; errors: number }> {
  const a = await Promise.all(rig.xmpp.map((w) => w.call<TakeAnswer>("take", { step })));
  const lat: number[] = [];
  for (const x of a) for (const v of x.lat) lat.push(v);
  return { received: a.reduce((s, x) => s + x.received, 0), lat, errors: a.reduce((s, x) => s + x.errors, 0) };
}
