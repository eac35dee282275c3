/**
 * Path 1, the SIP ceiling: sipp UAC → Kamailio → sipp UAS, MESSAGE relayed
 * natively by the example cfg (route LOCAL_MESSAGE: lookup("location") +
 * t_relay) to AORs the UAS's port registered. No bridge on the path.
 */
import { freePort } from "../../../test/support/ports.js";
import { runUac } from "../sipp.js";
import { SIP_DOMAIN } from "../stack.js";
import { settle, type BenchPath, type Rig } from "./common.js";

export function sipNative(rig: Rig): BenchPath {
  return {
    id: 1, key: "sip-native", title: "SIP ceiling: sipp → Kamailio → sipp", viaBridge: false,
    generators: ["sipp-uac", "sipp-uas"],
    async run(rate, seconds, step, settleMs) {
      const uac = runUac({
        root: rig.root, dir: rig.dir, kamailioPort: rig.stack.ports.sip, localPort: await freePort(),
        targets: rig.sippAors.map((u) => `${u}@${SIP_DOMAIN}`), from: `sipp-uac@${SIP_DOMAIN}`,
        rate, count: Math.round(rate * seconds), step, timeoutSec: Math.ceil(seconds) + 6,
      });
      rig.uacPid = uac.child.pid;
      const r = await uac.done;
      rig.uacPid = undefined;
      await settle(() => rig.sippUas.count(step) >= r.ok, settleMs);
      const got = rig.sippUas.take(step);
      return {
        sent: r.sent, sendSeconds: r.sendSpanMs / 1000, ok: r.ok, received: got.n, errors: r.sent - r.ok,
        e2e: got.lat, rtt: r.rtt, retransmissions: r.retransmissions,
      };
    },
  };
}
