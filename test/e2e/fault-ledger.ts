/**
 * The fault run's books (test/e2e/fault-run.test.ts): what happened to each
 * message, measured against what docs/robustness.md promises.
 *
 * Faults are the injected ones (bridge SIGKILL, Prosody restart) and every
 * break of a test client's XMPP stream (they follow a Prosody restart, and
 * xmpp.js's XEP-0198 acks can make Prosody close a session: docs/robustness.md).
 * A message is *in doubt at a fault* when it was sent before the fault was
 * repaired and its last outcome event (final SIP response, error stanza,
 * delivery) came after the fault began: nobody could know at the fault
 * whether it had arrived. Only such a message may be errored back although
 * delivered, or be repeated — at most once for each fault it was in doubt at.
 */

/** done: ms when repaired; Infinity if never. */
export interface Fault { what: string; start: number; done: number }

/** SIP → XMPP: times are ms since the run started. */
export interface S2x {
  sentAt: number;
  callId: string;
  code?: number;
  finalAt?: number;
  copies: Array<{ at: number; id: string | undefined; originIds: string[] }>;
}

/**
 * XMPP → SIP. notSent: the client never wrote it (its stream was down, or
 * send() failed). unacked: XEP-0198 reported it unacknowledged when the stream
 * broke — the client knows its fate is unknown and may send it again.
 */
export interface X2s { sentAt: number; notSent: boolean; unacked: boolean; deliveries: number[]; errors: number[] }

/** duplicates: extra copies; repeated: messages that had any. */
export interface Row {
  sent: number; delivered: number; errored: number; erroredButDelivered: number;
  notSent: number; unacked: number; unackedButDelivered: number;
  vanished: number; duplicates: number; repeated: number; inDoubt: number;
}

const row = (sent: number): Row => ({ sent, delivered: 0, errored: 0, erroredButDelivered: 0, notSent: 0, unacked: 0, unackedButDelivered: 0, vanished: 0, duplicates: 0, repeated: 0, inDoubt: 0 });

export function ledger(run: { faults: Fault[]; s2x: S2x[]; x2s: X2s[]; expectedOriginId: (r: S2x) => string }) {
  const vanished: string[] = [];
  const badIds: string[] = [];
  const repeatsBeyondDoubt: string[] = [];
  const erroredButDeliveredNotInDoubt: string[] = [];
  const notSentButDelivered: string[] = [];
  const detail: string[] = [];
  const doubtAt = (from: number, to: number) => run.faults.filter((f) => from <= f.done && to >= f.start).map((f) => f.what + "@" + f.start);
  const fmt = (name: string, o: Record<string, unknown>) => `${name} ${JSON.stringify(o)}`;

  const s = row(run.s2x.length);
  const owner = new Map<string, number>(); // origin-id → message index
  const copiesById = new Map<string, number>();
  run.s2x.forEach((r, i) => {
    const name = `s2x-${i}`;
    const expected = run.expectedOriginId(r);
    for (const c of r.copies) {
      if (c.originIds.length !== 1 || c.originIds[0] !== expected || c.id !== expected) {
        badIds.push(fmt(name, { expected, id: c.id, originIds: c.originIds }));
        continue;
      }
      const first = owner.get(expected);
      if (first !== undefined && first !== i) badIds.push(fmt(name, { sharesOriginIdWith: `s2x-${first}` }));
      owner.set(expected, i);
      copiesById.set(expected, (copiesById.get(expected) ?? 0) + 1);
    }
    const n = r.copies.length;
    const last = Math.max(r.finalAt ?? Infinity, ...r.copies.map((c) => c.at));
    const doubt = doubtAt(r.sentAt, last);
    if (doubt.length > 0) s.inDoubt++;
    const info = { sentAt: r.sentAt, code: r.code, finalAt: r.finalAt, copiesAt: r.copies.map((c) => c.at), doubt };
    if (r.code === undefined) { s.vanished++; vanished.push(fmt(name, { ...info, why: "no final response" })); return; }
    if (r.code < 300) {
      if (n > 0) s.delivered++; else { s.vanished++; vanished.push(fmt(name, { ...info, why: "final 2xx, never received" })); }
    } else {
      s.errored++;
      if (n > 0) {
        s.erroredButDelivered++;
        detail.push(fmt(`${name} errored-but-delivered`, info));
        if (doubt.length === 0) erroredButDeliveredNotInDoubt.push(fmt(name, info));
      }
    }
    if (n > 1) {
      s.repeated++;
      detail.push(fmt(`${name} repeated`, info));
      if (n - 1 > doubt.length) repeatsBeyondDoubt.push(fmt(name, info));
    }
  });
  for (const k of copiesById.values()) s.duplicates += k - 1;

  const x = row(run.x2s.length);
  run.x2s.forEach((r, i) => {
    const name = `x2s-${i}`;
    const last = Math.max(-Infinity, ...r.deliveries, ...r.errors);
    const doubt = doubtAt(r.sentAt, last);
    if (doubt.length > 0) x.inDoubt++;
    const info = { sentAt: r.sentAt, deliveriesAt: r.deliveries, errorsAt: r.errors, notSent: r.notSent, unacked: r.unacked, doubt };
    x.duplicates += Math.max(0, r.deliveries.length - 1);
    if (r.deliveries.length > 1) {
      x.repeated++;
      detail.push(fmt(`${name} repeated`, info));
      if (r.deliveries.length - 1 > doubt.length) repeatsBeyondDoubt.push(fmt(name, info));
    }
    if (r.deliveries.length > 0) {
      x.delivered++;
      if (r.unacked) x.unackedButDelivered++;
      if (r.notSent) notSentButDelivered.push(fmt(name, info));
      if (r.errors.length > 0) {
        x.erroredButDelivered++;
        detail.push(fmt(`${name} errored-but-delivered`, info));
        if (doubt.length === 0) erroredButDeliveredNotInDoubt.push(fmt(name, info));
      }
    } else if (r.notSent) x.notSent++;
    else if (r.errors.length > 0) x.errored++;
    else if (r.unacked) x.unacked++;
    else { x.vanished++; vanished.push(fmt(name, { ...info, why: "neither delivered nor errored" })); }
  });

  return {
    vanished, badIds, repeatsBeyondDoubt, erroredButDeliveredNotInDoubt, notSentButDelivered,
    report: { "sip-to-xmpp": s, "xmpp-to-sip": x, detail, vanished_sample: vanished.slice(0, 20) },
  };
}
