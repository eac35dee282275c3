/**
 * Loop safety (digest §2.3 rule 6, §7 S6 and S7): no message is ever handed
 * back across the bridge, whatever the host configs or DNS say.
 *
 * * Destination sanity (S6): SIP → XMPP only to a domain not known as SIP;
 *   XMPP → SIP only to a domain not known as XMPP ("known" = the hosts'
 *   static tables or the resolver's current verdict). A domain on both sides,
 *   or a DNS "both", is never bridged.
 * * Fingerprints (S7): every message the bridge emits is remembered for a
 *   short while as (bare from, bare to, body hash); the same message entering
 *   from the other side is the bridge's own output coming back.
 *
 * A refusal is `loop-detected`: SIP 482 Loop Detected, XMPP <policy-violation/>.
 *
 *   const guard = new LoopGuard({}, (d) => resolver.known(d));
 *   guard.admitToXmpp(from, to, "hi");   // undefined: go ahead (and remembered)
 *   guard.admitToSip(from, to, "hi");    // Failure loop-detected: it came back
 */
import { createHash } from "node:crypto";
import { bareJid, formatJid, type Jid } from "../../../common/src/address/index.js";
import { makeFailure, type Failure } from "../../../common/src/failure.js";
import type { Classification } from "./classify.js";

export interface LoopGuardOptions {
  readonly now?: () => number;
  /** How long an emitted message is remembered (ms). */
  readonly rememberMs?: number;
  readonly maxEntries?: number;
}

export class LoopGuard {
  /** Messages the bridge handed to Prosody (SIP → XMPP), by fingerprint → expiry. */
  private readonly toXmpp = new Map<string, number>();
  /** Messages the bridge handed to Kamailio (XMPP → SIP). */
  private readonly toSip = new Map<string, number>();
  private readonly now: () => number;
  private readonly rememberMs: number;
  private readonly maxEntries: number;
  refused = 0;

  constructor(opts: LoopGuardOptions, private readonly known: (domain: string) => Classification | undefined) {
    this.now = opts.now ?? (() => performance.now());
    this.rememberMs = opts.rememberMs ?? 60_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** SIP → XMPP: refuse, or remember the stanza about to be delivered. */
  admitToXmpp(from: Jid, to: Jid, body: string): Failure | undefined {
    const c = this.known(to.domain);
    if (c !== undefined && (c.verdict === "sip" || c.verdict === "both")) {
      return this.refuse(`${to.domain} is ${describe(c)}: SIP → XMPP would send it back to SIP`);
    }
    return this.pass(this.toSip, this.toXmpp, from, to, body, "a message the bridge sent to SIP came back from SIP");
  }

  /** XMPP → SIP: refuse, or remember the MESSAGE about to be sent. */
  admitToSip(from: Jid, to: Jid, body: string): Failure | undefined {
    const c = this.known(to.domain);
    if (c !== undefined && (c.verdict === "xmpp" || c.verdict === "both")) {
      return this.refuse(`${to.domain} is ${describe(c)}: XMPP → SIP would send it back to XMPP`);
    }
    return this.pass(this.toXmpp, this.toSip, from, to, body, "a message the bridge sent to XMPP came back from XMPP");
  }

  private pass(emittedOtherWay: Map<string, number>, emitting: Map<string, number>, from: Jid, to: Jid, body: string, why: string): Failure | undefined {
    const key = fingerprint(from, to, body);
    const now = this.now();
    const seen = emittedOtherWay.get(key);
    if (seen !== undefined && seen > now) return this.refuse(why);
    emitting.delete(key);
    emitting.set(key, now + this.rememberMs);
    this.prune(emitting, now);
    return undefined;
  }

  private prune(m: Map<string, number>, now: number): void {
    // Insertion order is expiry order: drop from the front while expired or over the cap.
    for (const [k, expires] of m) {
      if (expires > now && m.size <= this.maxEntries) break;
      m.delete(k);
    }
  }

  private refuse(detail: string): Failure {
    this.refused++;
    return makeFailure("loop-detected", detail);
  }
}

/** (bare from, bare to, body) — line ends normalised, since XML turns CRLF into LF. */
export function fingerprint(from: Jid, to: Jid, body: string): string {
  return createHash("sha256")
    .update(formatJid(bareJid(from))).update("\n")
    .update(formatJid(bareJid(to))).update("\n")
    .update(body.replace(/\r\n?/g, "\n"))
    .digest("base64");
}

function describe(c: Classification): string {
  const side = c.verdict === "both" ? "served by both SIP and XMPP" : `a ${c.verdict.toUpperCase()} domain`;
  return `${side} (${c.source === "static" ? "host configuration" : c.source})`;
}
