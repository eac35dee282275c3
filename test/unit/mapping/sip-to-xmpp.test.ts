import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Parser } from "@xmpp/xml";
import { sipToXmpp } from "../../../bridge/src/mapping/sip-to-xmpp.js";
import { parseSipRequest } from "../../../common/src/sip/parse-request.js";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";
import { sipCtx, sipMessage, vectors } from "./fixtures.js";

const map = (opts: Parameters<typeof sipMessage>[0] = {}, ctx = sipCtx) => sipToXmpp(sipMessage(opts), ctx);

test("P02 (RFC 7572 Ex. 4-5): text/plain MESSAGE becomes a message stanza, no type", () => {
  const v = vectors().pager_mapping.find((p: { id: string }) => p.id === "P02");
  const r = map({ ruri: "sip:juliet@example.com", from: "<sip:romeo@example.net>", to: "<sip:juliet@example.com>", body: v.expect.body });
  assert.ok(r.ok);
  const s = r.value.stanza;
  assert.equal(s.name, v.expect.stanza);
  assert.equal(s.attrs.from, v.expect.from);
  assert.equal(s.attrs.to, v.expect.to);
  assert.equal(s.attrs.type, undefined); // RFC 7572 §5
  assert.equal(s.getChildText("body"), v.expect.body);
});

test("Table 2 row Call-ID → <thread/>", () => {
  const r = map();
  assert.equal(r.ok && r.value.stanza.getChildText("thread"), "call-1@host");
});

test("Table 2 row Content-Language → xml:lang", () => {
  const r = map({ headers: ["Content-Language: cs"] });
  assert.equal(r.ok && r.value.stanza.attrs["xml:lang"], "cs");
});

test("Content-Language list: the first valid tag is used; an invalid one is dropped", () => {
  const list = map({ headers: ["Content-Language: en, fr"] });
  assert.equal(list.ok && list.value.stanza.attrs["xml:lang"], "en");
  const bad = map({ headers: ["Content-Language: e n\"/>"] });
  assert.equal(bad.ok && bad.value.stanza.attrs["xml:lang"], undefined);
});

test("Table 2 row Subject → <subject/>", () => {
  const r = map({ headers: ["Subject: Tonight"] });
  assert.equal(r.ok && r.value.stanza.getChildText("subject"), "Tonight");
});

test("Table 2 row From with gr → full JID (RFC 7572 §5 note 1); without → bare", () => {
  const full = map({ from: "<sip:romeo@example.net;gr=phone>" });
  assert.equal(full.ok && full.value.stanza.attrs.from, "romeo@example.net/phone");
  const bare = map({ from: "\"Romeo\" <sip:romeo@example.net>" });
  assert.equal(bare.ok && bare.value.stanza.attrs.from, "romeo@example.net");
});

test("Call-ID + CSeq → stanza id and XEP-0359 <origin-id/>, the same value (docs/mapping.md)", () => {
  const r = map();
  assert.ok(r.ok);
  // printf '11:call-1@host1:1' | openssl dgst -sha256 -binary | base64 | tr '+/' '-_' | cut -c1-22
  assert.equal(r.value.stanza.attrs.id, "stox-8qUSUv_o_vX_-RWbzrEMua");
  const origin = r.value.stanza.getChildren("origin-id").filter((c) => c.attrs.xmlns === "urn:xmpp:sid:0");
  assert.equal(origin.length, 1);
  assert.equal(origin[0]!.attrs.id, r.value.stanza.attrs.id);
  assert.match(r.value.xml, /<origin-id xmlns="urn:xmpp:sid:0" id="stox-8qUSUv_o_vX_-RWbzrEMua"\/>/);
});

test("a re-sent MESSAGE (new Via branch, same Call-ID and CSeq) gets the same id; a new CSeq a new one", () => {
  const raw = (branch: string, cseq: number) => parseSipRequest(Buffer.from(`MESSAGE sip:j@xmpp.example SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5090;branch=${branch}\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\nCall-ID: again@host\r\nCSeq: ${cseq} MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx`));
  const idOf = (branch: string, cseq: number) => {
    const req = raw(branch, cseq);
    assert.ok(req.ok);
    const r = sipToXmpp(req.value, sipCtx);
    assert.ok(r.ok);
    return r.value.stanza.attrs.id as string;
  };
  assert.equal(idOf("z9hG4bK-first", 1), idOf("z9hG4bK-second", 1));
  assert.notEqual(idOf("z9hG4bK-first", 1), idOf("z9hG4bK-first", 2));
});

test("Call-ID or CSeq missing or malformed → 400 (RFC 3261 §8.1.1), nothing mapped", () => {
  const head = "MESSAGE sip:j@xmpp.example SIP/2.0\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\n";
  for (const lines of ["CSeq: 1 MESSAGE\r\n", "Call-ID: c@h\r\n", "Call-ID: c@h\r\nCSeq: one MESSAGE\r\n"]) {
    // A malformed CSeq is refused by the parser already (docs/robustness.md
    // "Parsing strictness"); missing ones by the mapping. Either way: 400.
    const req = parseSipRequest(Buffer.from(`${head}${lines}Content-Type: text/plain\r\nContent-Length: 1\r\n\r\nx`));
    const r = req.ok ? sipToXmpp(req.value, sipCtx) : req;
    assert.equal(!r.ok && r.error.sip, 400, lines);
  }
});

test("Table 2 row Request-URI → to; target bare vs full decides the error mapping", () => {
  const bare = map();
  assert.equal(bare.ok && bare.value.target, "bare");
  const full = map({ ruri: "sip:juliet@xmpp.example;gr=balcony" });
  assert.equal(full.ok && full.value.stanza.attrs.to, "juliet@xmpp.example/balcony");
  assert.equal(full.ok && full.value.target, "full");
});

test("CSeq is not mapped", () => {
  const r = map();
  assert.ok(r.ok && !r.value.xml.includes("MESSAGE"));
});

test("body is byte-exact UTF-8", () => {
  const text = "Grüße, 你好, 🙂 — \"quotes\" & <tags>";
  const r = map({ body: text });
  assert.ok(r.ok);
  const back = parseStanza(r.value.xml);
  assert.equal(back.ok && back.value.getChildText("body"), text);
});

test("hostile body: </body><script> is escaped, not interpreted", () => {
  const r = map({ body: "</body><script>alert(1)</script>" });
  assert.ok(r.ok);
  const back = parseStanza(r.value.xml);
  assert.ok(back.ok);
  assert.equal(back.value.getChildren("body").length, 1);
  assert.equal(back.value.getChild("script"), undefined);
  assert.equal(back.value.getChildText("body"), "</body><script>alert(1)</script>");
});

test("hostile body: NUL and other XML-forbidden characters are removed", () => {
  const r = map({ body: "a\u0000b\u0001c" });
  assert.equal(r.ok && r.value.stanza.getChildText("body"), "abc");
});

test("hostile body: invalid UTF-8 is a clear 400, not mojibake", () => {
  const r = map({ body: Buffer.from([0x68, 0xff, 0xfe, 0x69]), ctype: "text/plain;charset=utf-8" });
  assert.equal(!r.ok && r.error.sip, 400);
});

test("S34: sips: in To or Request-URI → 480 with Warning 380 (RFC 7247 §8)", () => {
  for (const opts of [{ to: "<sips:juliet@example.com>" }, { ruri: "sips:juliet@example.com" }]) {
    const r = map(opts);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.error.sip, 480);
    assert.match(!r.ok && r.error.warning ? r.error.warning : "", /^380 .*"SIPS Not Allowed"$/);
  }
});

test("S35: sips: in From maps normally", () => {
  const r = map({ from: "<sips:romeo@example.net>" });
  assert.equal(r.ok && r.value.stanza.attrs.from, "romeo@example.net");
});

test("Max-Forwards: 0 → 483 (RFC 3261 §16.3)", () => {
  const req = parseSipRequest(Buffer.from("MESSAGE sip:j@xmpp.example SIP/2.0\r\nMax-Forwards: 0\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\nCall-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n\r\nx"));
  assert.ok(req.ok);
  const r = sipToXmpp(req.value, sipCtx);
  assert.equal(!r.ok && r.error.sip, 483);
});

test("spoofed sender: From outside the local SIP domains → 403 (docs/security.md)", () => {
  const r = map({ from: "<sip:mallory@xmpp.example>" });
  assert.equal(!r.ok && r.error.sip, 403);
});

test("non-MESSAGE methods are not translated", () => {
  const req = parseSipRequest(Buffer.from("INVITE sip:j@xmpp.example SIP/2.0\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\nContent-Length: 0\r\n\r\n"));
  assert.ok(req.ok);
  const r = sipToXmpp(req.value, sipCtx);
  assert.equal(!r.ok && r.error.sip, 405); // docs/mapping.md: method MESSAGE, else 405
});

test("P10: unsupported content type → 415 with Accept", () => {
  const r = map({ ctype: "application/pdf", body: "%PDF" });
  assert.equal(!r.ok && r.error.sip, 415);
  assert.match(!r.ok && r.error.accept ? r.error.accept : "", /text\/plain/);
});

test("P11: text/html is sanitised to XHTML-IM and a plain body is always present", () => {
  const r = map({ ctype: "text/html", body: "<p onclick=x()>hi <script>bad()</script></p>" });
  assert.ok(r.ok);
  assert.equal(r.value.stanza.getChildText("body"), "hi");
  const html = r.value.stanza.getChild("html", "http://jabber.org/protocol/xhtml-im");
  assert.ok(html);
  assert.doesNotMatch(html.toString(), /script|onclick/);
});

test("a stanza over the XMPP size limit → 413 (docs/security.md)", () => {
  const r = map({ body: "x".repeat(20000) }, { ...sipCtx, maxStanzaBytes: 10000 });
  assert.equal(!r.ok && r.error.sip, 413);
});

test("60 KB body within limits is carried whole", () => {
  const r = map({ body: "y".repeat(60000) }, { ...sipCtx, maxStanzaBytes: 262144 });
  assert.equal(r.ok && r.value.stanza.getChildText("body")?.length, 60000);
});

test("property: random SIP text never throws and any stanza produced is well-formed XML", () => {
  fc.assert(fc.property(fc.string({ maxLength: 100 }), fc.string({ maxLength: 100 }), fc.string({ maxLength: 200 }), (subject, callId, body) => {
    const raw = `MESSAGE sip:j@xmpp.example SIP/2.0\r\nFrom: <sip:r@sip.example>;tag=1\r\nTo: <sip:j@xmpp.example>\r\nCall-ID: ${callId}\r\nCSeq: 1 MESSAGE\r\nSubject: ${subject}\r\nContent-Type: text/plain\r\n\r\n${body}`;
    const req = parseSipRequest(Buffer.from(raw, "utf8"));
    if (!req.ok) return;
    const r = sipToXmpp(req.value, sipCtx);
    if (!r.ok) return;
    let count = 0, error: unknown;
    const p = new Parser();
    p.on("element", () => count++);
    p.on("error", (e: unknown) => { error = e; });
    p.write("<w>" + r.value.xml + "</w>");
    assert.equal(error, undefined);
    assert.equal(count, 1);
  }));
});
