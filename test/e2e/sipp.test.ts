/**
 * A SIP client we did not write (sipp) through the whole product: sipp →
 * Kamailio → bridge → Prosody → @xmpp/client. Every MESSAGE must get 200 and
 * arrive once, with its Subject and body.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { SipPeer } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { freePort } from "../support/ports.js";
import { repoRoot } from "../support/bridge.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack } from "./stack.js";

let stack: Stack;
let juliet: TestClient;

before(async () => {
  stack = await startStack();
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret" });
});
after(async () => {
  await juliet?.stop();
  await stack?.stop();
});

/** A plain MESSAGE to Juliet, answered 200 and received. */
async function barrier(text: string): Promise<void> {
  const peer = await SipPeer.open("udp", { host: "127.0.0.1", port: stack.ports.sip });
  try {
    const got = juliet.waitFor((s) => s.getChildText("body") === text, 8000, text);
    const { response } = await peer.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:alice@${SIP_DOMAIN}`, body: text }, 10000);
    assert.equal(response.status, 200);
    await got;
  } finally { peer.close(); }
}

for (const transport of ["u1", "t1"] as const) {
  test(`sipp (${transport === "u1" ? "UDP" : "TCP"}): 100 MESSAGEs at 50/s all answered 200 and all delivered once`, async () => {
    const port = await freePort();
    const r = spawnSync("sipp", [
      "-sf", path.join(repoRoot(), "test/e2e/sipp/message-to-xmpp.xml"),
      "-key", "to", `juliet@${XMPP_DOMAIN}`, "-key", "from", `sipp-${transport}@${SIP_DOMAIN}`,
      "-i", "127.0.0.1", "-p", String(port), "-t", transport, "-r", "50", "-m", "100", "-nd", "-timeout", "30", "-timeout_error",
      "-trace_err", "-error_file", path.join(stack.dir, `sipp-${transport}-errors.log`),
      `127.0.0.1:${stack.ports.sip}`,
    ], { cwd: stack.dir, timeout: 60000, encoding: "utf8" });
    assert.equal(r.status, 0, `sipp exit ${r.status}: ${r.stdout?.slice(-1500)}\n${stack.logs()}`);
    const mine = () => juliet.received.filter((s) => s.attrs.from === `sipp-${transport}@${SIP_DOMAIN}/sipp`);
    // sipp saw 200 for all: each was handed to Juliet's stream; a message sent
    // after them on the same stream has arrived last.
    await barrier(`after sipp ${transport}`);
    const bodies = mine().map((s) => s.getChildText("body"));
    assert.equal(bodies.length, 100);
    assert.equal(new Set(bodies).size, 100);
    // sipp numbers calls from 0 or 1 depending on build; what matters: 100 distinct, well-formed bodies.
    for (const st of mine()) {
      const b = st.getChildText("body") ?? "";
      assert.match(b, /^sipp says hello #\d+\r?\n?$/); // sipp ends the body with its line end
      assert.equal(st.getChildText("subject"), `sipp ${/#(\d+)/.exec(b)![1]}`); // the same call's Subject
    }
  });
}
