/** bodyFromSip: the S2X content policy (RFC 7572 §7; docs/content.md) and vectors P10, P11. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ACCEPTED_TYPES, bodyFromSip, type SipBodyContext } from "../../../bridge/src/mapping/content/sip-body.js";
import { loadSharedVectors } from "../errors/shared-vectors.js";
import { crlf, utf8 } from "./bytes.js";

const ctx: SipBodyContext = {
  authenticatedFrom: "sip:romeo@example.net",
  sameUser: (uri) => uri === "im:romeo@example.net" || uri === "sip:romeo@example.net;gr=x",
};
const WRAP = /^<html xmlns="http:\/\/jabber\.org\/protocol\/xhtml-im"><body xmlns="http:\/\/www\.w3\.org\/1999\/xhtml">(.*)<\/body><\/html>$/s;

/** Either the content (xhtml as the serialised inside of <body/>) or the failure's code, status and Accept. */
interface Outcome {
  text?: string;
  xhtml?: string | null;
  lang?: string;
  subject?: string;
  error?: string;
  sip?: number;
  accept?: string | undefined;
}

function run(ct: string | undefined, body: string | Uint8Array): Outcome {
  const r = bodyFromSip(ct, typeof body === "string" ? utf8(body) : body, ctx);
  if (!r.ok) return { error: r.error.code, sip: r.error.sip, accept: r.error.accept };
  const x = r.value.xhtml?.toString();
  return { ...r.value, xhtml: x === undefined ? null : (WRAP.exec(x)?.[1] ?? `unwrapped: ${x}`) };
}

describe("shared vectors P10, P11", () => {
  const pager = loadSharedVectors().pager_mapping;
  test("P10: application/pdf → 415 with an Accept listing text/plain and text/html", () => {
    const v = pager.find((p) => p.id === "P10");
    assert.ok(v, "P10 present");
    const type = /Content-Type: (\S+)/.exec(v.in)?.[1];
    const r = run(type, "%PDF-1.4");
    assert.equal(r.sip, v.expect.sip);
    for (const t of String(v.expect.Accept).split(",").map((s) => s.trim())) assert.ok(r.accept?.split(", ").includes(t), t);
  });
  test("P11: text/html with onclick and script → body 'hi', xhtml <p>hi </p>", () => {
    const v = pager.find((p) => p.id === "P11");
    assert.ok(v, "P11 present");
    const m = /Content-Type: (\S+) '(.*)'$/.exec(v.in);
    assert.ok(m);
    const r = run(m[1], m[2]!);
    assert.equal(r.text, v.expect.body);
    assert.equal(r.xhtml, v.expect.xhtml);
  });
});

describe("content types", () => {
  test("text/plain → text, no xhtml", () => assert.deepEqual(run("text/plain", "Neither, fair saint"), { text: "Neither, fair saint", xhtml: null }));
  test("text/plain keeps inner whitespace, CRLF → LF", () => assert.deepEqual(run("text/plain", "  a\r\n\r\nb\rc  "), { text: "  a\n\nb\nc  ", xhtml: null }));
  test("text/plain with charset", () => assert.deepEqual(run("text/plain; charset=ISO-8859-1", Uint8Array.from([0x63, 0x61, 0x66, 0xe9])), { text: "café", xhtml: null }));
  test("text/html → text + XHTML-IM", () => assert.deepEqual(run("text/html", "<b>hi</b> there"), { text: "hi there", xhtml: "<strong>hi</strong> there" }));
  test("text/html charset applies before parsing", () => {
    assert.deepEqual(run("text/html;charset=koi8-r", Uint8Array.from([0x3c, 0x70, 0x3e, 0xf0, 0xd2, 0xc9])), { text: "При", xhtml: "<p>При</p>" });
  });
  test("ACCEPTED_TYPES", () => assert.equal(ACCEPTED_TYPES, "text/plain, text/html, message/cpim, multipart/alternative"));
  for (const type of ["application/pdf", "image/png", "application/im-iscomposing+xml", "multipart/mixed; boundary=x", "message/sipfrag", "text/enriched", "application/pidf+xml"]) {
    test(`${type} → 415 with Accept`, () => assert.deepEqual(run(type, "x"), { error: "unsupported-media-type", sip: 415, accept: ACCEPTED_TYPES }));
  }
});

describe("malformed and empty", () => {
  test("missing Content-Type with a body → 400 sip-malformed (RFC 3261 §20.15)", () => {
    assert.equal(run(undefined, "hi").error, "sip-malformed");
    assert.equal(run("  ", "hi").error, "sip-malformed");
  });
  test("broken Content-Type → 400", () => assert.equal(run("text", "hi").error, "sip-malformed"));
  test("empty body → empty-message (with or without Content-Type)", () => {
    assert.equal(run("text/plain", "").error, "empty-message");
    assert.equal(run(undefined, "").error, "empty-message");
  });
  test("only forbidden characters and whitespace → empty-message", () => {
    assert.equal(run("text/plain", "\u0000\u0001 \t\r\n\u000b").error, "empty-message");
    assert.equal(run("text/html", "<script>x</script><p> </p>").error, "empty-message");
  });
  test("NUL bytes are removed from the text", () => assert.equal(run("text/plain", "a\u0000b\u0000").text, "ab"));
  test("lone surrogates cannot arrive (UTF-8 decoding is fatal)", () => {
    assert.equal(run("text/plain", Uint8Array.from([0x61, 0xed, 0xa0, 0x80])).error, "invalid-encoding");
  });
  test("UTF-16 with a lone surrogate → invalid-encoding", () => {
    assert.equal(run("text/plain; charset=utf-16le", Uint8Array.from([0x00, 0xd8, 0x61, 0x00])).error, "invalid-encoding");
  });
  test("unknown charset → 415", () => assert.equal(run("text/plain; charset=x-martian", "hi").sip, 415));
  test("a 60 KB text/plain body passes through intact", () => {
    const big = "0123456789abcdef".repeat(3840);
    assert.equal(run("text/plain", big).text, big);
  });
});

describe("message/cpim", () => {
  const cpim = (from: string, inner: string, body: string, extra: string[] = []) =>
    crlf(`From: ${from}`, "To: <im:juliet@example.com>", ...extra, "", inner, "", body);

  test("unwraps text/plain; Subject and Content-Language surface", () => {
    const r = run("message/cpim", cpim("Romeo <im:romeo@example.net>", "Content-Type: text/plain\r\nContent-Language: en", "hi", ["Subject:;lang=de Hallo", "Subject: Hello"]));
    assert.deepEqual(r, { text: "hi", xhtml: null, lang: "en", subject: "Hello" });
  });
  test("DateTime surfaces for a <delay/>", () => {
    const r = bodyFromSip("message/cpim", utf8(cpim("<sip:romeo@example.net>", "Content-Type: text/plain", "x", ["DateTime: 2000-12-13T13:40:00-08:00"])), ctx);
    assert.ok(r.ok);
    assert.equal(r.value.dateTime, "2000-12-13T13:40:00-08:00");
  });
  test("the Subject lang is the language when the content has none", () => {
    assert.deepEqual(run("message/cpim", cpim("<im:romeo@example.net>", "Content-Type: text/plain", "ahoj", ["Subject:;lang=cs Ahoj"])), { text: "ahoj", xhtml: null, lang: "cs", subject: "Ahoj" });
  });
  test("unwraps text/html", () => {
    assert.deepEqual(run("Message/CPIM", cpim("<sip:romeo@example.net>", "Content-Type: text/html", "<em>x</em>")), { text: "x", xhtml: "<em>x</em>" });
  });
  test("From equal to the authenticated From, or sameUser() → accepted", () => {
    assert.equal(run("message/cpim", cpim("<sip:romeo@example.net>", "Content-Type: text/plain", "a")).text, "a");
    assert.equal(run("message/cpim", cpim("<sip:romeo@example.net;gr=x>", "Content-Type: text/plain", "a")).text, "a");
  });
  test("a CPIM From that is someone else → 403 cpim-sender-mismatch", () => {
    const r = run("message/cpim", cpim("Juliet <im:juliet@example.com>", "Content-Type: text/plain", "spoof"));
    assert.deepEqual(r, { error: "cpim-sender-mismatch", sip: 403, accept: undefined });
  });
  test("no CPIM From: the authenticated SIP From stands", () => {
    assert.equal(run("message/cpim", crlf("To: <im:j@example.com>", "", "Content-Type: text/plain", "", "ok")).text, "ok");
  });
  for (const inner of ["application/im-iscomposing+xml", "multipart/alternative; boundary=x", "message/cpim", "image/png"]) {
    test(`CPIM content ${inner} → 415`, () => assert.equal(run("message/cpim", cpim("<sip:romeo@example.net>", `Content-Type: ${inner}`, "x")).sip, 415));
  }
  test("CPIM with Require → 415", () => {
    assert.equal(run("message/cpim", cpim("<sip:romeo@example.net>", "Content-Type: text/plain", "x", ["Require: X.Y"])).error, "unsupported-media-type");
  });
  test("signed CPIM → 415 (docs/security.md)", () => {
    assert.equal(run("message/cpim", cpim("<sip:romeo@example.net>", "Content-Type: multipart/signed; boundary=z", "--z--")).sip, 415);
  });
  test("CPIM inner charset is honoured", () => {
    const head = utf8(crlf("From: <sip:romeo@example.net>", "", "Content-Type: text/plain; charset=iso-8859-2", "", ""));
    const body = new Uint8Array([...head, 0xb1]);
    assert.equal(run("message/cpim", body).text, "ą");
  });
});

describe("multipart/alternative", () => {
  const alt = (...parts: string[]) => parts.map((p) => `--sep\r\n${p}`).join("\r\n") + "\r\n--sep--\r\n";
  const CT = 'multipart/alternative; boundary="sep"';
  test("text/plain for the body, text/html for XHTML-IM", () => {
    assert.deepEqual(run(CT, alt("Content-Type: text/plain\r\n\r\nplain", "Content-Type: text/html\r\n\r\n<b>rich</b>")), { text: "plain", xhtml: "<strong>rich</strong>" });
  });
  test("the last alternative of each type wins (RFC 2046 §5.1.4)", () => {
    const r = run(CT, alt("Content-Type: text/plain\r\n\r\nfirst", "Content-Type: text/plain; charset=utf-8\r\n\r\nsecond"));
    assert.equal(r.text, "second");
  });
  test("only text/html → text rendered from it", () => assert.deepEqual(run(CT, alt("Content-Type: text/html\r\n\r\n<p>x</p>")), { text: "x", xhtml: "<p>x</p>" }));
  test("a part without Content-Type is text/plain", () => assert.equal(run(CT, alt("\r\nimplicit")).text, "implicit"));
  test("Content-Language of the chosen part", () => assert.equal(run(CT, alt("Content-Type: text/plain\r\nContent-Language: fr\r\n\r\nbonjour")).lang, "fr"));
  test("base64 parts are decoded", () => assert.equal(run(CT, alt("Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\naMOp")).text, "hé"));
  test("unusable parts are skipped", () => {
    assert.equal(run(CT, alt("Content-Type: image/png\r\n\r\nPNG", "Content-Type: text/plain\r\nContent-Transfer-Encoding: x-bad\r\n\r\nno", "Content-Type: text/plain\r\n\r\nyes")).text, "yes");
  });
  test("a plain part with a bad charset falls back to the html part", () => {
    assert.equal(run(CT, alt("Content-Type: text/plain; charset=x-nope\r\n\r\nno", "Content-Type: text/html\r\n\r\n<p>html</p>")).text, "html");
  });
  test("no text part → 415 with Accept", () => {
    assert.deepEqual(run(CT, alt("Content-Type: image/png\r\n\r\nPNG")), { error: "unsupported-media-type", sip: 415, accept: ACCEPTED_TYPES });
  });
  test("no boundary parameter → 400", () => assert.equal(run("multipart/alternative", "x").error, "sip-malformed"));
  test("boundary never found → 400", () => assert.equal(run(CT, "no delimiters").error, "sip-malformed"));
});
