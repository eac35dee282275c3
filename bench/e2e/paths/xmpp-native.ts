/**
 * Path 2, the XMPP ceiling: XMPP senders → Prosody → XMPP receivers (c2s to
 * c2s on one host), several connections per side in separate worker
 * processes. No bridge on the path.
 */
import { settle, xmppCount, xmppSend, xmppTake, type BenchPath, type Rig } from "./common.js";

export function xmppNative(rig: Rig): BenchPath {
  return {
    id: 2, key: "xmpp-native", title: "XMPP ceiling: XMPP clients → Prosody → XMPP clients", viaBridge: false,
    generators: ["xmpp-clients"],
    async run(rate, seconds, step, settleMs) {
      const s = await xmppSend(rig, rate, seconds, step, rig.receivers);
      await settle(async () => (await xmppCount(rig, step)).received >= s.sent, settleMs);
      const got = await xmppTake(rig, step);
      return {
        sent: s.sent, sendSeconds: s.sendSeconds, ok: s.sent - got.errors, received: got.received, errors: got.errors,
        e2e: got.lat, lagMax: s.lagMax,
      };
    },
  };
}
