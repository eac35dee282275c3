/**
 * `bash scripts/demo.sh`: the whole product on loopback with the example
 * configs — Kamailio (kamailio-module/kamailio.cfg + stox.cfg, digest auth on),
 * Prosody (prosody-module/prosody.cfg.lua + mod_stox) and the bridge — then a
 * message crosses each way, and everything stays up for your own clients
 * until Ctrl-C.
 */
import path from "node:path";
import xml from "@xmpp/xml";
import { startKamailio } from "../test/support/kamailio.js";
import { startProsody } from "../test/support/prosody.js";
import { startBridge } from "../test/support/bridge.js";
import { tempDir } from "../test/support/process.js";
import { hosts } from "../test/support/hosts.js";
import { SipPeer } from "../test/support/sip-peer.js";
import { digest } from "../test/support/sip-digest.js";
import { connectClient } from "../test/support/xmpp-client.js";

// evapi and HTTP are stox.cfg's defaults (STOX_EVAPI_ADDR, STOX_HTTP_PORT); the bridge takes
// the HTTP endpoint from Kamailio's hello, so only the evapi port is given to both.
const PORTS = { sip: 5070, http: 8449, evapi: 8448, c2s: 5232, s2s: 5279 };
const SIP = "sip.stox.test";
const XMPP = "xmpp.stox.test";
const SIP_USERS = { alice: "alice-secret", bob: "bob-secret" };
const XMPP_USERS = [{ user: "juliet", password: "juliet-secret" }, { user: "romeo", password: "romeo-secret" }];

const say = (s: string) => process.stdout.write(s + "\n");

async function main(): Promise<void> {
  const dir = tempDir("demo");
  const socket = path.join(dir, "bridge.sock");
  say(`stox demo on ${hosts().label} — logs and data in ${dir}`);
  const kamailio = await startKamailio({
    dir: path.join(dir, "kamailio"), sipPort: PORTS.sip, httpPort: PORTS.http, evapiPort: PORTS.evapi,
    xmppDomains: [XMPP], sipDomains: [SIP],
    defines: { WITH_AUTH: true, DEMO_USERS: `"${Object.entries(SIP_USERS).map(([u, p]) => `${u}=${p}`).join(",")}"` },
  });
  say(`✓ Kamailio     sip:127.0.0.1:${PORTS.sip} (UDP+TCP), domain ${SIP}`);
  const prosody = await startProsody({
    dir: path.join(dir, "prosody"), c2sPort: PORTS.c2s, s2sPort: PORTS.s2s, bridgeSocket: socket,
    vhost: XMPP, sipComponent: SIP, foreignSipDomains: [], users: XMPP_USERS,
  });
  say(`✓ Prosody      xmpp://127.0.0.1:${PORTS.c2s}, domain ${XMPP}`);
  const bridge = await startBridge({ dir, evapiPort: PORTS.evapi, prosodySocket: socket },
    [/"msg":"kamailio hello"/, /"msg":"prosody link up"/]);
  say(`✓ bridge       evapi 127.0.0.1:${PORTS.evapi}, HTTP 127.0.0.1:${PORTS.http}, socket ${socket}`);

  const stopAll = async () => {
    say("\nstopping…");
    await bridge.stop();
    await prosody.stop();
    await kamailio.stop();
    say("stopped.");
  };

  try {
    // Alice: a SIP UA registered over TCP with her password.
    const alice = await SipPeer.open("tcp", { host: "127.0.0.1", port: PORTS.sip });
    const reg = { method: "REGISTER", ruri: `sip:${SIP}`, from: `sip:alice@${SIP}`, to: `sip:alice@${SIP}`, contact: `sip:alice@127.0.0.1:${alice.port};transport=tcp`, expires: 3600 };
    const challenge = await alice.request(reg);
    const www = challenge.response.header("www-authenticate") ?? "";
    const registered = await alice.request({ ...reg, cseq: 2, headers: [`Authorization: ${digest(www, "REGISTER", `sip:${SIP}`, "alice", SIP_USERS.alice)}`] });
    if (registered.response.status !== 200) throw new Error(`REGISTER failed: ${registered.response.startLine}`);
    say(`✓ alice@${SIP} registered over TCP`);
    const juliet = await connectClient({ port: PORTS.c2s, domain: XMPP, username: "juliet", password: "juliet-secret", resource: "balcony" });
    say(`✓ juliet@${XMPP} online`);

    // SIP → XMPP
    const text = "Juliet, it's Alice on SIP — can you read me? 🙂";
    const arrived = juliet.waitFor((s) => s.is("message") && s.getChildText("body") === text, 10000, "the SIP message");
    const msg = { method: "MESSAGE", ruri: `sip:juliet@${XMPP}`, to: `sip:juliet@${XMPP}`, from: `sip:alice@${SIP}`, body: text, headers: ["Subject: Hello from SIP"] };
    let answer = await alice.request(msg);
    if (answer.response.status === 407 || answer.response.status === 401) {
      const ch = answer.response.header("proxy-authenticate") ?? answer.response.header("www-authenticate") ?? "";
      const hdr = answer.response.status === 407 ? "Proxy-Authorization" : "Authorization";
      answer = await alice.request({ ...msg, cseq: 2, headers: [...msg.headers, `${hdr}: ${digest(ch, "MESSAGE", msg.ruri, "alice", SIP_USERS.alice)}`] });
    }
    const stanza = await arrived;
    say(`\n→ SIP MESSAGE alice@${SIP} → juliet@${XMPP}: SIP answer ${answer.response.status} ${answer.response.reason}`);
    say(`  juliet's XMPP client received:\n  ${stanza.toString()}`);

    // XMPP → SIP
    alice.answerWith(() => ({ code: 200, reason: "OK" }));
    const reply = "Alice! Juliet here, answering from XMPP.";
    await juliet.send(xml("message", { to: `alice@${SIP}`, type: "chat", id: "demo-1" }, xml("body", {}, reply)));
    const sip = await alice.waitFor((m) => m.method === "MESSAGE" && m.body.toString("utf8") === reply, 10000);
    say(`\n← XMPP message juliet@${XMPP} → alice@${SIP}: arrived at Alice's UA over her TCP connection:`);
    say(sip.raw.toString("utf8").split("\r\n").map((l) => "  " + l).join("\n"));
    await juliet.stop();
    alice.close();
  } catch (e) {
    say(`demo failed: ${(e as Error).message}`);
    await stopAll();
    process.exit(1);
  }

  say(`
stox is up. Point your own clients at it:
  SIP  : registrar/proxy 127.0.0.1:${PORTS.sip} (UDP or TCP), domain ${SIP}
         users ${Object.entries(SIP_USERS).map(([u, p]) => `${u}@${SIP} / ${p}`).join(", ")}
  XMPP : server 127.0.0.1 port ${PORTS.c2s} (no TLS), domain ${XMPP}
         users ${XMPP_USERS.map((u) => `${u.user}@${XMPP} / ${u.password}`).join(", ")}
  SIP users are user@${SIP} on the XMPP side; XMPP users are sip:user@${XMPP} on the SIP side.
Ctrl-C stops everything.`);
  await new Promise<void>((resolve) => { process.once("SIGINT", resolve); process.once("SIGTERM", resolve); });
  await stopAll();
}

await main();
