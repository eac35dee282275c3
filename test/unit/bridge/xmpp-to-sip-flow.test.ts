/**
 * The XMPP → SIP shell's queueing (RFC 3428 §8 per AOR, docs/mapping.md
 * "Devices"): a message to a device's GRUU (full JID) waits behind one to the
 * bare AOR, and the next starts once the first's outcome is known.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { handleXmppStanza } from "../../../bridge/src/flows/xmpp-to-sip-flow.js";
import { DestinationQueues } from "../../../bridge/src/flows/destination-queue.js";
import { Metrics } from "../../../bridge/src/runtime/metrics.js";
import { createLogger } from "../../../bridge/src/runtime/log.js";
import type { SipResult } from "../../../bridge/src/kamailio/sip-sender.js";
import type { SipSendCommand } from "../../../common/src/wire/frames.js";
import { xmppCtx } from "../mapping/fixtures.js";

test("a GRUU and its AOR share one queue: the second MESSAGE starts only after the first's outcome", async () => {
  const sent: SipSendCommand[] = [];
  const finish: Array<(r: SipResult) => void> = [];
  const done: string[] = [];
  const deps = {
    context: () => xmppCtx, isLocalSip: () => true,
    sendSip: (cmd: SipSendCommand) => { sent.push(cmd); return new Promise<SipResult>((r) => finish.push(r)); },
    bounce: () => {}, done: (ref: string) => { done.push(ref); },
    queues: new DestinationQueues(10, 100), metrics: new Metrics(), log: createLogger("error", {}, () => {}),
  };
  const frame = (id: string, to: string) => ({ type: "xmpp.stanza" as const, v: 1 as const, id, host: "x.example",
    xml: `<message from='a@x.example/r' to='${to}' id='${id}'><body>${id}</body></message>` });
  handleXmppStanza(frame("one", "b@sip.example"), deps);
  handleXmppStanza(frame("two", "b@sip.example/urn:uuid:f81d4fae"), deps);
  handleXmppStanza(frame("other", "c@sip.example"), deps);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent.map((c) => c.ruri), ["sip:b@sip.example", "sip:c@sip.example"]); // b's GRUU waits
  finish[0]!({ code: 200, timedOut: false });
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(sent.map((c) => c.ruri), ["sip:b@sip.example", "sip:c@sip.example", "sip:b@sip.example;gr=urn:uuid:f81d4fae"]);
  assert.equal(sent[2]!.to, "sip:b@sip.example");
  assert.deepEqual(done, ["one"]);
});
