/**
 * Loop safety (docs/resolution.md rule 6 and "Loops"): no message is ever handed
 * back across the bridge, whatever the host configs or DNS say.
 *
 * * Destination sanity: SIP → XMPP only to a domain not known as SIP;
 *   XMPP → SIP only to a domain not known as XMPP ("known" = the hosts'
 *   static tables or the resolver's current verdict). A domain on both sides,
 *   or a DNS "both", is never bridged.
 * * Fingerprints: every message the bridge emits is remembered for a
 *   few seconds as (bare from, bare to, body, thread); a message entering
 *   from either side with the same fingerprint is the bridge's own output
 *   coming back — through the other server, or through a foreign gateway
 *   that translated it back (RFC 7572 maps <thread/> and Call-ID onto each
 *   other, so they survive such a round trip; a user repeating a text gets a
 *   new Call-ID, and a thread that is not the bridge's own Call-ID).
 *
 * A refusal is `loop-detected`: SIP 482 Loop Detected, XMPP <policy-violation/>.
 *
 *   const guard = new LoopGuard({}, (d) => resolver.known(d));
 *   guard.admitToXmpp({ from, to, body: "hi", thread: callId }); // undefined: go ahead (remembered)
 *   guard.admitToXmpp({ from, to, body: "hi", thread: callId }); // loop-detected: it came back
 */
import { hash } from "node:crypto";
import { bareJid, formatJid, type Jid } from "../../../common/src/address/index.js";
import { makeFailure, type Failure } from "../../../common/src/failure.js";
import type { Classification } from "./classify.js";

export interface LoopGuardOptions {
  readonly now?: () => number;
  /** How long an emitted message is remembered (ms): a loop comes back within seconds. */
  readonly rememberMs?: number;
  readonly maxEntries?: number;
}

/** One message about to cross the bridge. */
export interface Crossing {
  readonly from: Jid;
  readonly to: Jid;
  readonly body: string;
  /** As it arrived: the SIP Call-ID, or the stanza's <thread/>. */
  readonly thread?: string;
  /** As it leaves, when different (XMPP → SIP: the Call-ID the bridge chose). */
  readonly emittedThread?: string;
}

export class LoopGuard {
  /** Fingerprints of what the bridge emitted (either way) → expiry. */
  private readonly emitted = new Map<string, number>();
  private readonly now: () => number;
  private readonly rememberMs: number;
  private readonly maxEntries: number;
  refused = 0;

  constructor(opts: LoopGuardOptions, private readonly known: (domain: string) => Classification | undefined) {
    this.now = opts.now ?? (() => performance.now());
    this.rememberMs = opts.rememberMs ?? 5_000;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** SIP → XMPP: refuse, or remember the stanza about to be delivered. */
  admitToXmpp(m: Crossing): Failure | undefined {
    const c = this.known(m.to.domain);
    if (c !== undefined && (c.verdict === "sip" || c.verdict === "both")) {
      return this.refuse(`${m.to.domain} is ${describe(c)}: SIP → XMPP would send it back to SIP`);
    }
    return this.pass(m);
  }

  /** XMPP → SIP: refuse, or remember the MESSAGE about to be sent. */
  admitToSip(m: Crossing): Failure | undefined {
    const c = this.known(m.to.domain);
    if (c !== undefined && (c.verdict === "xmpp" || c.verdict === "both")) {
      return this.refuse(`${m.to.domain} is ${describe(c)}: XMPP → SIP would send it back to XMPP`);
    }
    return this.pass(m);
  }

  private pass(m: Crossing): Failure | undefined {
    const now = this.now();
    const seen = this.emitted.get(fingerprint(m.from, m.to, m.body, m.thread));
    if (seen !== undefined && seen > now) return this.refuse("a message the bridge emitted came back");
    const key = fingerprint(m.from, m.to, m.body, m.emittedThread ?? m.thread);
    this.emitted.delete(key);
    this.emitted.set(key, now + this.rememberMs);
    // Insertion order is expiry order: drop from the front while expired or over the cap.
    for (const [k, expires] of this.emitted) {
      if (expires > now && this.emitted.size <= this.maxEntries) break;
      this.emitted.delete(k);
    }
    return undefined;
  }

  private refuse(detail: string): Failure {
    this.refused++;
    return makeFailure("loop-detected", detail);
  }
}

/** (bare from, bare to, thread, body) — line ends normalised, since XML turns CRLF into LF. */
export function fingerprint(from: Jid, to: Jid, body: string, thread = ""): string {
  // One-shot hash (Node ≥ 20.12): no Hash object per message on the hot path.
  const text = `${formatJid(bareJid(from))}\n${formatJid(bareJid(to))}\n${thread}\n${body.replace(/\r\n?/g, "\n")}`;
  return hash("sha256", text, "base64");
}

function describe(c: Classification): string {
  const side = c.verdict === "both" ? "served by both SIP and XMPP" : `a ${c.verdict.toUpperCase()} domain`;
  return `${side} (${c.source === "static" ? "host configuration" : c.source})`;
}
