/**
 * One SIP user on two devices, reached from XMPP through real Prosody, the
 * bridge and real Kamailio (docs/mapping.md, "Devices"): bob runs linphone
 * (Debian's linphone-cli) and a second UA that registers with +sip.instance
 * and writes with its GRUU in From. A message to bob reaches both; the
 * sender's outcome follows RFC 3261 §16.7; a reply to bob's full JID (his
 * GRUU) reaches only the device that wrote (RFC 5627).
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import crypto from "node:crypto";
import path from "node:path";
import fs from "node:fs";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import type { SipMessage } from "../support/sip-peer.js";
import { registerDevice, type SipDevice } from "../support/sip-device.js";
import { startLinphone, type Linphone } from "../support/linphone.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack, withStackLogs } from "./stack.js";

const NS = "urn:ietf:params:xml:ns:xmpp-stanzas";
const UAC_TIMEOUT_MS = 3000;
const BOB = `bob@${SIP_DOMAIN}`;
const INSTANCE = `urn:uuid:${crypto.randomUUID()}`;

let stack: Stack;
let juliet: TestClient;
let linphone: Linphone;
let desk: SipDevice;
/** How the desk phone answers the next MESSAGEs. */
let deskAnswer = { code: 200, reason: "OK" };

before(async () => {
  stack = await startStack({ kamailioDefines: { FR_TIMER: String(UAC_TIMEOUT_MS) }, bridgeExtra: { sip_result_timeout_ms: String(UAC_TIMEOUT_MS + 3000) } });
  juliet = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret", resource: "balcony" });
  const home = path.join(stack.dir, "linphone");
  fs.mkdirSync(home, { recursive: true });
  linphone = await startLinphone({ dir: home, user: "bob", domain: SIP_DOMAIN, sipPort: stack.ports.sip });
  desk = await registerDevice({ sipPort: stack.ports.sip, user: "bob", domain: SIP_DOMAIN, contactPort: 5999, instance: INSTANCE });
  desk.peer.answerWith((req) => (req.method === "MESSAGE" ? deskAnswer : undefined));
});

after(async () => {
  await juliet?.stop();
  await linphone?.stop();
  await desk?.unregister();
  await stack?.stop();
});

const withLogs = <T>(fn: () => Promise<T>): Promise<T> => withStackLogs(stack, fn, () => `--- linphonec ---\n${linphone?.log().slice(-1500)}\n`);

let seq = 0;
function chat(to: string, body: string): { id: string; el: Element } {
  const id = `dev${++seq}`;
  return { id, el: xml("message", { to, id, type: "chat" }, xml("body", {}, body)) };
}

const deskGot = (body: string) => (m: SipMessage) => m.method === "MESSAGE" && m.body.toString("utf8") === body;
const errorsFor = (id: string) => juliet.received.filter((s) => s.is("message") && s.attrs.type === "error" && s.attrs.id === id);

test("bob is registered twice: linphone and the desk phone (with its public GRUU)", () => withLogs(async () => {
  assert.equal(desk.gruu, `sip:${BOB};gr=${INSTANCE}`);
  const contacts = await stack.kamailio.rpc("ul.lookup", ["location", BOB]);
  assert.equal(JSON.stringify(contacts).match(/"Address":/g)?.length, 2, JSON.stringify(contacts));
}));

test("an XMPP message to bob's bare JID reaches both devices", () => withLogs(async () => {
  const body = `to both of bob's devices ${Date.now()}`;
  await juliet.send(chat(BOB, body).el);
  const atDesk = await desk.peer.waitFor(deskGot(body), 8000);
  const atLinphone = await linphone.waitForMessage(body);
  assert.equal(atLinphone.from, `sip:juliet@${XMPP_DOMAIN};gr=balcony`);
  assert.match(atDesk.header("from") ?? "", /^<sip:juliet@xmpp\.stox\.test;gr=balcony>;tag=/);
  assert.equal(atDesk.header("to"), `<sip:${BOB}>`);
}));

test("desk 486 + linphone 200 → success; both failing (486 + silence) → the mapped error, once", () => withLogs(async () => {
  deskAnswer = { code: 486, reason: "Busy Here" };
  const ok = chat(BOB, `busy desk, free phone ${Date.now()}`);
  await juliet.send(ok.el);
  await linphone.waitForMessage(ok.el.getChildText("body")!);
  await desk.peer.waitFor(deskGot(ok.el.getChildText("body")!), 8000);

  linphone.pause(); // its connection stays up; Kamailio's MESSAGE gets no answer (408 after fr_timer)
  const failed = chat(BOB, `nobody takes this ${Date.now()}`);
  try {
    await juliet.send(failed.el);
    const err = await juliet.waitFor((s) => s.attrs.type === "error" && s.attrs.id === failed.id, UAC_TIMEOUT_MS + 8000, "the error");
    // §16.7: a device's 486 beats the other's silence; RFC 7247 Table 3: 486 → recipient-unavailable (wait)
    const e = err.getChild("error");
    assert.equal(e?.attrs.type, "wait");
    assert.ok(e?.getChild("recipient-unavailable", NS), err.toString());
    // one queue per AOR: `ok` was decided before `failed` was sent, so its error would have come first
    assert.equal(errorsFor(ok.id).length, 0, "486 + 200 must not bounce");
  } finally {
    linphone.resume();
  }
  deskAnswer = { code: 200, reason: "OK" };
  const next = chat(BOB, `after the failure ${Date.now()}`);
  await juliet.send(next.el);
  await desk.peer.waitFor(deskGot(next.el.getChildText("body")!), 8000);
  await juliet.x.iqCaller.request(xml("iq", { type: "get", to: XMPP_DOMAIN }, xml("ping", { xmlns: "urn:xmpp:ping" })), 5000);
  assert.equal(errorsFor(failed.id).length, 1, "exactly one error for the failed message");
}));

test("a reply to bob's full JID (the GRUU the desk wrote from) reaches only the desk phone", () => withLogs(async () => {
  const question = `from the desk ${Date.now()}`;
  const got = juliet.waitFor((s) => s.is("message") && s.getChildText("body") === question, 8000, "the desk's message");
  const { response } = await desk.peer.request({
    method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: desk.gruu!, body: question,
  }, 10000);
  assert.equal(response.status, 200);
  const fullJid = (await got).attrs.from!;
  assert.equal(fullJid, `${BOB}/${INSTANCE}`); // RFC 7247 §6.3: gr → resource

  const answer = `only for the desk ${Date.now()}`;
  const reply = chat(fullJid, answer);
  await juliet.send(reply.el);
  const m = await desk.peer.waitFor(deskGot(answer), 8000);
  assert.equal(m.header("to"), `<sip:${BOB}>`);

  // a bare-JID message after it forks again; linphone sees it on the same
  // connection it would have seen the reply on, so the reply never went there
  const bare = `to both again ${Date.now()}`;
  await juliet.send(chat(BOB, bare).el);
  await linphone.waitForMessage(bare);
  await desk.peer.waitFor(deskGot(bare), 8000);
  assert.equal(linphone.messages.filter((x) => x.text === answer).length, 0, "the GRUU reply must not reach linphone");
  assert.equal(errorsFor(reply.id).length, 0);
}));
