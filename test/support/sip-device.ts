/**
 * One registered SIP device for tests: a SipPeer that REGISTERs user@domain
 * over its own TCP connection. Its Contact port has no listener, so only
 * reuse of that connection can reach it. With `instance` it registers as
 * RFC 5627 asks (+sip.instance, Supported: gruu) and learns its public GRUU.
 */
import assert from "node:assert/strict";
import { SipPeer } from "./sip-peer.js";

export interface SipDevice { readonly peer: SipPeer; readonly gruu?: string; unregister(): Promise<void> }

export async function registerDevice(opts: { sipPort: number; user: string; domain: string; contactPort: number; instance?: string }): Promise<SipDevice> {
  const peer = await SipPeer.open("tcp", { host: "127.0.0.1", port: opts.sipPort });
  const aor = `sip:${opts.user}@${opts.domain}`;
  const contact = `<sip:${opts.user}@127.0.0.1:${opts.contactPort};transport=tcp>${opts.instance !== undefined ? `;+sip.instance="<${opts.instance}>"` : ""}`;
  const reg = await peer.request({
    method: "REGISTER", ruri: `sip:${opts.domain}`, from: aor, to: aor, expires: 600,
    headers: [`Contact: ${contact}`, ...(opts.instance !== undefined ? ["Supported: gruu"] : [])],
  });
  assert.equal(reg.response.status, 200, "REGISTER");
  // the 200 lists every contact of the AOR: take the pub-gruu of ours (RFC 5627 §5.1)
  const mine = new RegExp(`<sip:${opts.user}@127\\.0\\.0\\.1:${opts.contactPort};transport=tcp>[^,]*?;pub-gruu="([^"]+)"`);
  const gruu = mine.exec(reg.response.headerAll("contact").join(", "))?.[1];
  return {
    peer, ...(gruu !== undefined ? { gruu } : {}),
    async unregister() {
      await peer.request({ method: "REGISTER", ruri: `sip:${opts.domain}`, from: aor, to: aor, headers: [`Contact: ${contact}`], expires: 0, cseq: 99 }).catch(() => undefined);
      peer.close();
    },
  };
}
