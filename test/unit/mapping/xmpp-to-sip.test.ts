import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import xml from "@xmpp/xml";
import { xmppToSip } from "../../../bridge/src/mapping/xmpp-to-sip.js";
import { renderSipRequest } from "../../../common/src/sip/render-request.js";
import { stanza, vectors, xmppCtx } from "./fixtures.js";

const send = (text: string, ctx = xmppCtx) => {
  const r = xmppToSip(stanza(text), ctx);
  if (!r.ok) throw new Error(`${r.error.code}: ${r.error.detail}`);
  if (r.value.kind !== "send") throw new Error("nothing sent");
  return r.value;
};

test("P01 (RFC 7572 Ex. 1-2): every Table 1 field", () => {
  const v = vectors().pager_mapping.find((p: { id: string }) => p.id === "P01");
  const out = send(v.in);
  assert.equal(out.message.requestUri, v.expect.ruri);
  assert.equal(out.message.toUri, v.expect.to);
  assert.equal(out.message.fromUri, v.expect.from_uri);
  assert.match(out.message.contentType, /^text\/plain/);
  assert.equal(out.message.body, v.expect.body);
  const wire = renderSipRequest(out.message, xmppCtx.wire).toString();
  assert.match(wire, /\r\nFrom: <sip:juliet@example\.com;gr=yn0cl4bnw0yr3vym>;tag=/); // gr inside <> (RFC 7572 §4 note 1, X26)
  assert.doesNotMatch(wire, /\r\nContact:/i); // RFC 3428 §4
});

test("P05: <thread/> → Call-ID", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example'><thread>29377446-0CBB-4296-8958-590D79094C50</thread><body>x</body></message>");
  assert.equal(out.message.callId, "29377446-0CBB-4296-8958-590D79094C50");
});

test("<subject/> → Subject; xml:lang → Content-Language", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example' xml:lang='de'><subject>Heute</subject><body>Hallo</body></message>");
  assert.equal(out.message.subject, "Heute");
  assert.equal(out.message.contentLanguage, "de");
});

test("P04: several bodies, policy (a): the stanza's default language wins", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example' xml:lang='en'><body>hi</body><body xml:lang='cs'>ahoj</body></message>");
  assert.equal(out.message.body, "hi");
  assert.equal(out.message.contentLanguage, "en");
});

test("several bodies without a default language: the first, with its own language", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example'><body xml:lang='cs'>ahoj</body><body xml:lang='en'>hi</body><subject xml:lang='en'>S-en</subject><subject xml:lang='cs'>S-cs</subject></message>");
  assert.equal(out.message.body, "ahoj");
  assert.equal(out.message.contentLanguage, "cs");
  assert.equal(out.message.subject, "S-cs");
});

test("P07: CR/LF in subject, thread and xml:lang never make an extra header (docs/security.md)", () => {
  const el = xml("message", { from: "a@x.example/r", to: "b@sip.example", "xml:lang": "en\r\nX-Lang: 1" },
    xml("subject", {}, "hi\r\nX-Injected: 1"), xml("thread", {}, "t\r\nX-Thread: 1"), xml("body", {}, "body"));
  const r = xmppToSip(el, xmppCtx);
  assert.ok(r.ok && r.value.kind === "send");
  const wire = renderSipRequest(r.value.message, xmppCtx.wire).toString();
  const head = wire.split("\r\n\r\n")[0]!;
  assert.doesNotMatch(head, /^X-/m);
  assert.equal(r.value.message.subject, "hi X-Injected: 1");
  assert.equal(r.value.message.contentLanguage, undefined);
});

test("P08: one byte over 1300 → <policy-violation/>; exactly 1300 passes", () => {
  const base = "<message from='juliet@example.com/yn0cl4bnw0yr3vym' to='romeo@example.net'><body>BODY</body></message>";
  const size = (n: number) => { const r = xmppToSip(stanza(base.replace("BODY", "x".repeat(n))), xmppCtx); return r; };
  const probe = size(500); // same Content-Length digit count as the sizes below
  assert.ok(probe.ok && probe.value.kind === "send");
  const overhead = probe.value.sipBytes - 500;
  const exact = size(1300 - overhead);
  assert.ok(exact.ok && exact.value.kind === "send" && exact.value.sipBytes === 1300);
  const over = size(1301 - overhead);
  assert.equal(!over.ok && over.error.xmpp, "policy-violation");
  assert.equal(!over.ok && over.error.type, "modify");
});

test("the size counts UTF-8 bytes, not characters: 🙂ü (3 UTF-16 units) weighs as much as 6 ASCII bytes", () => {
  const size = (body: string) => send(`<message from='a@x.example/r' to='b@sip.example'><body>${body}</body></message>`).sipBytes;
  assert.equal(size("🙂ü"), size("xxxxxx"));
  assert.equal(size("🙂ü") - size("xxx"), 3);
});

test("type=error is never translated into a SIP request (RFC 6120 §8.3.1 rule 8)", () => {
  const r = xmppToSip(stanza("<message type='error' from='a@x.example/r' to='b@sip.example'><body>x</body></message>"), xmppCtx);
  assert.ok(r.ok && r.value.kind === "ignore" && r.value.reason === "error-stanza");
});

test("groupchat is refused with feature-not-implemented", () => {
  const r = xmppToSip(stanza("<message type='groupchat' from='a@x.example/r' to='b@sip.example'><body>x</body></message>"), xmppCtx);
  assert.equal(!r.ok && r.error.xmpp, "feature-not-implemented");
});

test("an unknown type is treated as normal and translated (RFC 6121 §5.2.2)", () => {
  for (const type of ["x-custom", "Chat", ""]) {
    const out = send(`<message type='${type}' from='a@x.example/r' to='b@sip.example'><body>typed</body></message>`);
    assert.equal(out.message.body, "typed", type);
  }
});

test("a <body/> outside the stanza's namespace is not the body; the jabber:client one is", () => {
  const only = xmppToSip(stanza("<message from='a@x.example/r' to='b@sip.example'><body xmlns='urn:other'>not me</body></message>"), xmppCtx);
  assert.ok(only.ok && only.value.kind === "ignore" && only.value.reason === "no-body");
  const both = send("<message from='a@x.example/r' to='b@sip.example'><body xmlns='urn:other'>not me</body><body>me</body></message>");
  assert.equal(both.message.body, "me");
  const explicit = send("<message xmlns='jabber:client' from='a@x.example/r' to='b@sip.example'><body>me too</body></message>");
  assert.equal(explicit.message.body, "me too");
});

test("<subject/> and <thread/> outside the stanza's namespace are not read", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example'><subject xmlns='urn:other'>fake</subject><thread xmlns='urn:other'>fake-thread</thread><body>x</body></message>");
  assert.equal(out.message.subject, undefined);
  assert.notEqual(out.message.callId, "fake-thread");
  const real = send("<message from='a@x.example/r' to='b@sip.example'><subject xmlns='urn:other'>fake</subject><subject>real</subject><thread>real-thread</thread><body>x</body></message>");
  assert.equal(real.message.subject, "real");
  assert.equal(real.message.callId, "real-thread");
});

test("no body (chat state) → nothing is sent, never an empty MESSAGE", () => {
  const r = xmppToSip(stanza("<message from='a@x.example/r' to='b@sip.example'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>"), xmppCtx);
  assert.ok(r.ok && r.value.kind === "ignore" && r.value.reason === "no-body");
});

test("a resource in `to` is the GRUU of one device: Request-URI ;gr=resource, To the bare AOR (RFC 5627)", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example/urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6'><body>x</body></message>");
  assert.equal(out.message.requestUri, "sip:b@sip.example;gr=urn:uuid:f81d4fae-7dec-11d0-a765-00a0c91e6bf6");
  assert.equal(out.message.toUri, "sip:b@sip.example");
  const spaced = send("<message from='a@x.example/r' to='b@sip.example/my desk'><body>x</body></message>");
  assert.equal(spaced.message.requestUri, "sip:b@sip.example;gr=my%20desk");
});

test("a bare `to` is the AOR: Request-URI and To alike (every device)", () => {
  const out = send("<message from='a@x.example/r' to='b@sip.example'><body>x</body></message>");
  assert.equal(out.message.requestUri, "sip:b@sip.example");
  assert.equal(out.message.toUri, "sip:b@sip.example");
});

test("spoofed from outside the local XMPP domains → forbidden (docs/security.md)", () => {
  const r = xmppToSip(stanza("<message from='a@evil.example/r' to='b@sip.example'><body>x</body></message>"), { ...xmppCtx, localXmppDomains: new Set(["x.example"]) });
  assert.equal(!r.ok && r.error.xmpp, "forbidden");
});

test("malformed to → jid-malformed", () => {
  const r = xmppToSip(stanza("<message from='a@x.example/r' to='@sip.example'><body>x</body></message>"), xmppCtx);
  assert.equal(!r.ok && r.error.xmpp, "jid-malformed");
});

test("property: any stanza text yields a result without CR/LF in header values", () => {
  fc.assert(fc.property(fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), fc.string({ maxLength: 60 }), fc.string({ maxLength: 10 }), (subject, thread, body, lang) => {
    const el = xml("message", { from: "a@x.example/r", to: "b@sip.example", "xml:lang": lang }, xml("subject", {}, subject), xml("thread", {}, thread), xml("body", {}, body));
    const r = xmppToSip(el, xmppCtx);
    if (!r.ok || r.value.kind !== "send") return;
    const head = renderSipRequest(r.value.message, xmppCtx.wire).toString("utf8").split("\r\n\r\n")[0]!;
    for (const line of head.split("\r\n")) assert.doesNotMatch(line, /[\r\n\u0000]/);
    assert.equal(head.split("\r\n").length, 9 + (r.value.message.subject ? 1 : 0) + (r.value.message.contentLanguage ? 1 : 0));
  }));
});
