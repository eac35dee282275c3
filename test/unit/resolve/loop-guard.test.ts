/**
 * Loop safety (docs/resolution.md rule 6, "Loops"): mis-classified destinations are
 * refused, and the bridge's own output coming back from the other side is
 * recognised by its fingerprint.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseJid, type Jid } from "../../../common/src/address/index.js";
import { LoopGuard } from "../../../bridge/src/resolve/loop-guard.js";
import type { Classification, Verdict } from "../../../bridge/src/resolve/classify.js";
import { FakeClock } from "./fake-dns.js";

const jid = (s: string): Jid => { const j = parseJid(s); assert.ok(j.ok); return j.value; };
const known = (table: Record<string, Verdict>) => (d: string): Classification | undefined =>
  table[d] !== undefined ? { domain: d, verdict: table[d]!, source: "static", records: [], ttl: 60 } : undefined;

const ROMEO = jid("romeo@sip.stox.test/phone");
const JULIET = jid("juliet@xmpp.stox.test");
const BOB = jid("bob@sip.partner.test");

test("destination sanity: SIP → XMPP to a domain known as SIP is refused with 482 (it would come back to SIP)", () => {
  const g = new LoopGuard({}, known({ "loop.test": "sip" }));
  const f = g.admitToXmpp({ from: ROMEO, to: jid("juliet@loop.test"), body: "hi" });
  assert.equal(f?.code, "loop-detected");
  assert.equal(f?.sip, 482);
});

test("destination sanity: XMPP → SIP to a domain known as XMPP is refused with <policy-violation/>", () => {
  const g = new LoopGuard({}, known({ "loop.test": "xmpp" }));
  const f = g.admitToSip({ from: JULIET, to: jid("bob@loop.test"), body: "hi" });
  assert.equal(f?.xmpp, "policy-violation");
});

test("destination sanity: a domain served by both sides is bridged in neither direction", () => {
  const g = new LoopGuard({}, known({ "both.test": "both" }));
  assert.equal(g.admitToXmpp({ from: ROMEO, to: jid("a@both.test"), body: "x" })?.code, "loop-detected");
  assert.equal(g.admitToSip({ from: JULIET, to: jid("a@both.test"), body: "x" })?.code, "loop-detected");
});

test("correctly classified destinations pass", () => {
  const g = new LoopGuard({}, known({ "xmpp.stox.test": "xmpp", "sip.partner.test": "sip" }));
  assert.equal(g.admitToXmpp({ from: ROMEO, to: JULIET, body: "hi" }), undefined);
  assert.equal(g.admitToSip({ from: JULIET, to: BOB, body: "hi" }), undefined);
});

const CALL_ID = "a84b4c76e66710@pc33.sip.stox.test";

test("fingerprints (SIP → XMPP → foreign gateway → SIP): the MESSAGE comes back with its Call-ID → 482", () => {
  const g = new LoopGuard({}, known({}));
  assert.equal(g.admitToXmpp({ from: ROMEO, to: JULIET, body: "ciao", thread: CALL_ID }), undefined);
  const back = g.admitToXmpp({ from: ROMEO, to: JULIET, body: "ciao", thread: CALL_ID });
  assert.equal(back?.code, "loop-detected");
  assert.equal(back?.sip, 482);
});

test("fingerprints (XMPP → SIP → foreign gateway → XMPP): the stanza comes back with the bridge's Call-ID as <thread/> → policy-violation", () => {
  const g = new LoopGuard({}, known({}));
  assert.equal(g.admitToSip({ from: JULIET, to: BOB, body: "a\nb", thread: "", emittedThread: "c0ffee@stox" }), undefined);
  const back = g.admitToSip({ from: JULIET, to: BOB, body: "a\r\nb", thread: "c0ffee@stox" });
  assert.equal(back?.xmpp, "policy-violation");
});

test("fingerprints (the other server hands it straight back): emitted to XMPP, re-entering from XMPP → refused", () => {
  const g = new LoopGuard({}, known({}));
  g.admitToXmpp({ from: ROMEO, to: JULIET, body: "x", thread: CALL_ID });
  assert.equal(g.admitToSip({ from: ROMEO, to: JULIET, body: "x", thread: CALL_ID })?.code, "loop-detected");
});

test("fingerprints: a user repeating a text is not a loop (new Call-ID; no thread; another body or recipient)", () => {
  const g = new LoopGuard({}, known({}));
  assert.equal(g.admitToXmpp({ from: ROMEO, to: JULIET, body: "ok", thread: "call-1@ua" }), undefined);
  assert.equal(g.admitToXmpp({ from: ROMEO, to: JULIET, body: "ok", thread: "call-2@ua" }), undefined);
  assert.equal(g.admitToSip({ from: JULIET, to: BOB, body: "ok", thread: "", emittedThread: "r1@stox" }), undefined);
  assert.equal(g.admitToSip({ from: JULIET, to: BOB, body: "ok", thread: "", emittedThread: "r2@stox" }), undefined);
  assert.equal(g.admitToXmpp({ from: ROMEO, to: JULIET, body: "other", thread: "call-1@ua" }), undefined);
  assert.equal(g.admitToXmpp({ from: ROMEO, to: jid("nurse@xmpp.stox.test"), body: "ok", thread: "call-1@ua" }), undefined);
});

test("fingerprints: fingerprints are short-lived (injected clock) and bounded", () => {
  const clock = new FakeClock();
  const g = new LoopGuard({ now: clock.now, rememberMs: 5_000, maxEntries: 2 }, known({}));
  g.admitToSip({ from: JULIET, to: BOB, body: "one", emittedThread: "t1" });
  clock.advance(6);
  assert.equal(g.admitToXmpp({ from: JULIET, to: BOB, body: "one", thread: "t1" }), undefined, "expired");
  for (const t of ["a", "b", "c"]) g.admitToSip({ from: JULIET, to: BOB, body: "m", emittedThread: t });
  assert.equal(g.admitToXmpp({ from: JULIET, to: BOB, body: "m", thread: "a" }), undefined, "evicted");
  assert.equal(g.admitToXmpp({ from: JULIET, to: BOB, body: "m", thread: "c" })?.code, "loop-detected");
});
