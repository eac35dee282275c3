/**
 * One XMPP user on two clients, talking with a SIP user through the bridge
 * (docs/mapping.md, "Devices"), on real Kamailio + Prosody (example config:
 * mod_carbons, mod_mam): a SIP message to her bare JID shows on both
 * clients (routing + XEP-0280 received carbon), her reply from one shows on
 * the other (sent carbon), and XEP-0313 returns both directions in order —
 * without the receipts and chat states the bridge never carries.
 */
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import xml from "@xmpp/xml";
import type { Element } from "@xmpp/xml";
import { SipPeer } from "../support/sip-peer.js";
import { connectClient, type TestClient } from "../support/xmpp-client.js";
import { startStack, SIP_DOMAIN, XMPP_DOMAIN, type Stack, withStackLogs } from "./stack.js";

const CARBONS = "urn:xmpp:carbons:2";
const FORWARD = "urn:xmpp:forward:0";
const MAM = "urn:xmpp:mam:2";
const ALICE = `alice@${SIP_DOMAIN}`;

let stack: Stack;
let phone: TestClient;   // priority 1: Prosody routes bare-JID messages here
let laptop: TestClient;  // priority 0: gets carbons
let alice: SipPeer;

/** A juliet client with the given presence priority and carbons enabled. */
async function julietOn(resource: string, priority: number): Promise<TestClient> {
  const c = await connectClient({ port: stack.ports.c2s, domain: XMPP_DOMAIN, username: "juliet", password: "juliet-secret", resource, presence: false });
  await c.send(xml("presence", {}, xml("priority", {}, String(priority))));
  // answered after the presence (one stream, in order): routing knows the priority from here on
  await c.x.iqCaller.request(xml("iq", { type: "set" }, xml("enable", { xmlns: CARBONS })), 5000);
  return c;
}

before(async () => {
  stack = await startStack();
  phone = await julietOn("phone", 1);
  laptop = await julietOn("laptop", 0);
  alice = await SipPeer.open("tcp", { host: "127.0.0.1", port: stack.ports.sip });
  const reg = await alice.request({ method: "REGISTER", ruri: `sip:${SIP_DOMAIN}`, from: `sip:${ALICE}`, to: `sip:${ALICE}`, contact: `sip:alice@127.0.0.1:${alice.port};transport=tcp`, expires: 600 });
  assert.equal(reg.response.status, 200);
  alice.answerWith((req) => (req.method === "MESSAGE" ? { code: 200, reason: "OK" } : undefined));
});

after(async () => {
  await phone?.stop();
  await laptop?.stop();
  alice?.close();
  await stack?.stop();
});

const withLogs = <T>(fn: () => Promise<T>): Promise<T> => withStackLogs(stack, fn);

/** The message inside a carbon (`sent` or `received`), if `s` is one from juliet's own account. */
function carbon(s: Element, kind: "sent" | "received"): Element | undefined {
  if (!s.is("message") || s.attrs.from !== `juliet@${XMPP_DOMAIN}`) return undefined;
  return s.getChild(kind, CARBONS)?.getChild("forwarded", FORWARD)?.getChild("message") ?? undefined;
}

/** XEP-0313 query of juliet's archive for the conversation with `peer`: the archived messages, oldest first. */
async function archive(client: TestClient, peer: string): Promise<Element[]> {
  const queryid = `q${Date.now()}`;
  const form = xml("x", { xmlns: "jabber:x:data", type: "submit" },
    xml("field", { var: "FORM_TYPE", type: "hidden" }, xml("value", {}, MAM)),
    xml("field", { var: "with" }, xml("value", {}, peer)));
  // the results come as messages before the iq result (same stream, in order)
  await client.x.iqCaller.request(xml("iq", { type: "set" }, xml("query", { xmlns: MAM, queryid }, form)), 5000);
  return client.received
    .filter((s) => s.is("message") && s.getChild("result", MAM)?.attrs.queryid === queryid)
    .map((s) => s.getChild("result", MAM)!.getChild("forwarded", FORWARD)!.getChild("message")!);
}

const stamp = Date.now();
const incoming = `from alice's phone ${stamp}`;
const reply = `juliet answers from the laptop ${stamp}`;

test("a SIP message to juliet's bare JID shows on both clients: routed to the top one, a received carbon on the other", () => withLogs(async () => {
  const onPhone = phone.waitFor((s) => s.is("message") && s.getChildText("body") === incoming, 8000, "the message on the phone");
  const onLaptop = laptop.waitFor((s) => carbon(s, "received")?.getChildText("body") === incoming, 8000, "the received carbon on the laptop");
  const { response } = await alice.request({ method: "MESSAGE", ruri: `sip:juliet@${XMPP_DOMAIN}`, to: `sip:juliet@${XMPP_DOMAIN}`, from: `sip:${ALICE}`, body: incoming }, 10000);
  assert.equal(response.status, 200);
  assert.equal((await onPhone).attrs.from, ALICE);
  const copy = carbon(await onLaptop, "received")!;
  assert.equal(copy.attrs.from, ALICE);
  assert.equal(copy.attrs.to, `juliet@${XMPP_DOMAIN}`);
  // each client sees it once: the phone no carbon of it, the laptop not the plain message
  assert.equal(phone.received.filter((s) => carbon(s, "received")?.getChildText("body") === incoming).length, 0);
  assert.equal(laptop.received.filter((s) => s.getChildText("body") === incoming).length, 0);
}));

test("her reply from the laptop reaches the SIP UA and shows on the phone as a sent carbon", () => withLogs(async () => {
  const onPhone = phone.waitFor((s) => carbon(s, "sent")?.getChildText("body") === reply, 8000, "the sent carbon on the phone");
  await laptop.send(xml("message", { to: ALICE, type: "chat", id: "reply-1" }, xml("body", {}, reply)));
  const m = await alice.waitFor((x) => x.method === "MESSAGE" && x.body.toString("utf8") === reply, 8000);
  assert.match(m.header("from") ?? "", /;gr=laptop>;tag=/);
  const copy = carbon(await onPhone, "sent")!;
  assert.equal(copy.attrs.to, ALICE);
  assert.equal(copy.attrs.from, `juliet@${XMPP_DOMAIN}/laptop`);
}));

test("chat states and receipts to a SIP user: carbon-copied as XEP-0280 says, never bridged, never archived", () => withLogs(async () => {
  const after = `after the noise ${stamp}`;
  const composingCopy = phone.waitFor((s) => carbon(s, "sent")?.getChild("composing", "http://jabber.org/protocol/chatstates") !== undefined, 8000, "chat state carbon");
  const receiptCopy = phone.waitFor((s) => carbon(s, "sent")?.getChild("received", "urn:xmpp:receipts") !== undefined, 8000, "receipt carbon");
  await laptop.send(xml("message", { to: ALICE, type: "chat", id: "cs-1" }, xml("composing", { xmlns: "http://jabber.org/protocol/chatstates" })));
  await laptop.send(xml("message", { to: ALICE, type: "chat", id: "rc-1" }, xml("received", { xmlns: "urn:xmpp:receipts", id: "reply-1" })));
  await laptop.send(xml("message", { to: ALICE, type: "chat", id: "after-1" }, xml("body", {}, after)));
  await composingCopy;
  await receiptCopy;
  // one queue per AOR, in order: once "after" is at the UA, the two before it were decided
  await alice.waitFor((x) => x.method === "MESSAGE" && x.body.toString("utf8") === after, 8000);
  const toAlice = alice.received.filter((x) => x.method === "MESSAGE");
  assert.equal(toAlice.filter((x) => x.body.length === 0).length, 0, "no empty MESSAGE for a chat state or receipt");

  const history = await archive(phone, ALICE);
  assert.deepEqual(history.map((s) => [s.attrs.from, s.attrs.to, s.getChildText("body")]), [
    [ALICE, `juliet@${XMPP_DOMAIN}`, incoming],
    [`juliet@${XMPP_DOMAIN}/laptop`, ALICE, reply],
    [`juliet@${XMPP_DOMAIN}/laptop`, ALICE, after],
  ]);
}));
