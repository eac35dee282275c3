/**
 * Loop safety (digest §2.3 rule 6, S6, S7): mis-classified destinations are
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

test("S6: SIP → XMPP to a domain known as SIP is refused with 482 (it would come back to SIP)", () => {
  const g = new LoopGuard({}, known({ "loop.test": "sip" }));
  const f = g.admitToXmpp(ROMEO, jid("juliet@loop.test"), "hi");
  assert.equal(f?.code, "loop-detected");
  assert.equal(f?.sip, 482);
});

test("S6: XMPP → SIP to a domain known as XMPP is refused with <policy-violation/>", () => {
  const g = new LoopGuard({}, known({ "loop.test": "xmpp" }));
  const f = g.admitToSip(JULIET, jid("bob@loop.test"), "hi");
  assert.equal(f?.xmpp, "policy-violation");
});

test("S6: a domain served by both sides is bridged in neither direction", () => {
  const g = new LoopGuard({}, known({ "both.test": "both" }));
  assert.equal(g.admitToXmpp(ROMEO, jid("a@both.test"), "x")?.code, "loop-detected");
  assert.equal(g.admitToSip(JULIET, jid("a@both.test"), "x")?.code, "loop-detected");
});

test("correctly classified destinations pass", () => {
  const g = new LoopGuard({}, known({ "xmpp.stox.test": "xmpp", "sip.partner.test": "sip" }));
  assert.equal(g.admitToXmpp(ROMEO, JULIET, "hi"), undefined);
  assert.equal(g.admitToSip(JULIET, BOB, "hi"), undefined);
});

test("S7: a stanza the bridge delivered to XMPP coming back from XMPP is refused (policy-violation)", () => {
  const g = new LoopGuard({}, known({}));
  assert.equal(g.admitToXmpp(ROMEO, JULIET, "ciao"), undefined);
  const back = g.admitToSip(jid("romeo@sip.stox.test/other"), JULIET, "ciao");
  assert.equal(back?.code, "loop-detected");
  assert.equal(back?.xmpp, "policy-violation");
});

test("S7: a MESSAGE the bridge sent to SIP coming back from SIP is refused (482); CRLF vs LF is the same body", () => {
  const g = new LoopGuard({}, known({}));
  assert.equal(g.admitToSip(JULIET, BOB, "a\nb"), undefined);
  assert.equal(g.admitToXmpp(JULIET, BOB, "a\r\nb")?.sip, 482);
});

test("S7: same direction twice is not a loop; a different body or recipient is not a loop", () => {
  const g = new LoopGuard({}, known({}));
  assert.equal(g.admitToSip(JULIET, BOB, "same"), undefined);
  assert.equal(g.admitToSip(JULIET, BOB, "same"), undefined);
  assert.equal(g.admitToXmpp(JULIET, BOB, "other"), undefined);
  assert.equal(g.admitToXmpp(JULIET, jid("carol@sip.partner.test"), "same"), undefined);
});

test("S7: fingerprints are short-lived (injected clock) and bounded", () => {
  const clock = new FakeClock();
  const g = new LoopGuard({ now: clock.now, rememberMs: 10_000, maxEntries: 2 }, known({}));
  g.admitToSip(JULIET, BOB, "one");
  clock.advance(11);
  assert.equal(g.admitToXmpp(JULIET, BOB, "one"), undefined, "expired");
  g.admitToSip(JULIET, BOB, "a");
  g.admitToSip(JULIET, BOB, "b");
  g.admitToSip(JULIET, BOB, "c");
  assert.equal(g.admitToXmpp(JULIET, BOB, "a"), undefined, "evicted");
  assert.equal(g.admitToXmpp(JULIET, BOB, "c")?.code, "loop-detected");
});
