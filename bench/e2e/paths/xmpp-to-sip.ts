/**
 * Path 4, XMPP → SIP through stox: XMPP senders → Prosody (mod_stox
 * intercepts the SIP component) → bridge → Kamailio (sip.send: lookup +
 * uac_req_send) → the Node SIP UAS, which registered the target AORs. The
 * bridge sends one MESSAGE at a time per destination (RFC 3428 §8), so the
 * load is spread over many AORs, as real traffic is.
 *
 * Path 5 is the same with two registered contacts per AOR (two UAS
 * processes): Kamailio sends each message to both, the bridge waits for the
 * first 200 (RFC 3261 §16.7). A message counts as received once both
 * contacts have it; the latencies are every copy's.
 */
import type { Answer } from "../gen/ipc.js";
import { SIP_DOMAIN } from "../stack.js";
import { settle, xmppCount, xmppSend, xmppTake, type BenchPath, type Rig } from "./common.js";

interface UasCount extends Answer { received: number }
interface UasTake extends Answer { received: number; lat: number[]; dups: number }

export function xmppToSipForked(rig: Rig): BenchPath {
  return {
    id: 5, key: "xmpp-to-sip-2-contacts", title: "XMPP → SIP via stox, 2 contacts per AOR: … → Kamailio → both SIP UAS", viaBridge: true,
    generators: ["xmpp-clients", "sip-uas", "sip-uas-2"],
    async run(rate, seconds, step, settleMs) {
      const targets = rig.forkAors.map((u) => `${u}@${SIP_DOMAIN}`);
      const s = await xmppSend(rig, rate, seconds, step, targets);
      const both = () => Promise.all([rig.uas.call<UasCount>("count", { step }), rig.uas2.call<UasCount>("count", { step })]);
      await settle(async () => {
        const [[a, b], x] = await Promise.all([both(), xmppCount(rig, step)]);
        return Math.min(a.received, b.received) + x.errors >= s.sent;
      }, settleMs);
      const [a, b, x] = await Promise.all([rig.uas.call<UasTake>("take", { step }), rig.uas2.call<UasTake>("take", { step }), xmppTake(rig, step)]);
      return {
        sent: s.sent, sendSeconds: s.sendSeconds, ok: s.sent - x.errors, received: Math.min(a.received, b.received), errors: x.errors,
        e2e: a.lat.concat(b.lat), lagMax: s.lagMax,
      };
    },
  };
}

export function xmppToSip(rig: Rig): BenchPath {
  return {
    id: 4, key: "xmpp-to-sip", title: "XMPP → SIP via stox: XMPP clients → Prosody → bridge → Kamailio → SIP UAS", viaBridge: true,
    generators: ["xmpp-clients", "sip-uas"],
    async run(rate, seconds, step, settleMs) {
      const targets = rig.uasAors.map((u) => `${u}@${SIP_DOMAIN}`);
      const s = await xmppSend(rig, rate, seconds, step, targets);
      await settle(async () => {
        const [u, x] = await Promise.all([rig.uas.call<UasCount>("count", { step }), xmppCount(rig, step)]);
        return u.received + x.errors >= s.sent;
      }, settleMs);
      const [u, x] = await Promise.all([rig.uas.call<UasTake>("take", { step }), xmppTake(rig, step)]);
      return {
        sent: s.sent, sendSeconds: s.sendSeconds, ok: s.sent - x.errors, received: u.received, errors: x.errors,
        e2e: u.lat, lagMax: s.lagMax,
      };
    },
  };
}
