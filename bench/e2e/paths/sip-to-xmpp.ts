/**
 * Path 3, SIP → XMPP through stox: sipp UAC → Kamailio (stox.cfg suspends
 * the MESSAGE, evapi event) → bridge → Prosody (mod_stox) → XMPP receivers;
 * Prosody's outcome goes back through the bridge to resume the transaction
 * with 200. Receivers are spread over the XMPP worker processes.
 */
import { freePort } from "../../../test/support/ports.js";
import { runUac } from "../sipp.js";
import { SIP_DOMAIN } from "../stack.js";
import { settle, xmppCount, xmppTake, type BenchPath, type Rig } from "./common.js";

export function sipToXmpp(rig: Rig): BenchPath {
  return {
    id: 3, key: "sip-to-xmpp", title: "SIP → XMPP via stox: sipp → Kamailio → bridge → Prosody → XMPP clients", viaBridge: true,
    generators: ["sipp-uac", "xmpp-clients"],
    async run(rate, seconds, step, settleMs) {
      const uac = runUac({
        root: rig.root, dir: rig.dir, kamailioPort: rig.stack.ports.sip, localPort: await freePort(),
        targets: rig.receivers, from: `sipp-uac@${SIP_DOMAIN}`,
        rate, count: Math.round(rate * seconds), step, timeoutSec: Math.ceil(seconds) + 6,
      });
      rig.uacPid = uac.child.pid;
      const r = await uac.done;
      rig.uacPid = undefined;
      await settle(async () => (await xmppCount(rig, step)).received >= r.ok, settleMs);
      const got = await xmppTake(rig, step);
      return {
        sent: r.sent, sendSeconds: r.sendSpanMs / 1000, ok: r.ok, received: got.received, errors: r.sent - r.ok,
        e2e: got.lat, rtt: r.rtt, retransmissions: r.retransmissions,
      };
    },
  };
}
