/** parseCpim (RFC 3862; docs/content.md). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseCpim } from "../../../bridge/src/mapping/content/cpim.js";
import { crlf, str, utf8 } from "./bytes.js";

/** The RFC 3862 §2 example shape. */
const EXAMPLE = crlf(
  "From: MR SANDERS <im:piglet@100akerwood.com>",
  "To: Depressed Donkey <im:eeyore@100akerwood.com>",
  "DateTime: 2000-12-13T13:40:00-08:00",
  "Subject: the weather will be fine today",
  "Subject:;lang=fr beau temps prevu pour aujourd'hui",
  "NS: MyFeatures <mid:MessageFeatures@id.foo.com>",
  "MyFeatures.VitalMessageOption: Confirmation-requested",
  "",
  "Content-type: text/plain; charset=utf-8",
  "Content-ID: <1234567890@foo.com>",
  "Content-Language: en",
  "",
  "Here is the text of my message.",
);

describe("parseCpim", () => {
  test("RFC 3862 example: headers, inner MIME headers, body", () => {
    const r = parseCpim(utf8(EXAMPLE));
    assert.ok(r.ok, r.ok ? "" : r.error.detail);
    const { body, ...rest } = r.value;
    assert.equal(str(body), "Here is the text of my message.");
    assert.deepEqual(rest, {
      from: "im:piglet@100akerwood.com",
      to: ["im:eeyore@100akerwood.com"],
      dateTime: "2000-12-13T13:40:00-08:00",
      subject: [{ text: "the weather will be fine today" }, { text: "beau temps prevu pour aujourd'hui", lang: "fr" }],
      contentType: "text/plain; charset=utf-8",
      contentLanguage: "en",
    });
  });
  test("bare LF line ends are tolerated", () => {
    const r = parseCpim(utf8(EXAMPLE.replace(/\r\n/g, "\n")));
    assert.ok(r.ok);
    assert.equal(str(r.value.body), "Here is the text of my message.");
  });
  test("several To headers; no From is allowed", () => {
    const r = parseCpim(utf8(crlf("To: <sip:a@x>", "To: B <sip:b@y>", "", "Content-Type: text/plain", "", "hi")));
    assert.ok(r.ok);
    assert.deepEqual(r.value.to, ["sip:a@x", "sip:b@y"]);
    assert.equal(r.value.from, undefined);
  });
  test("header names are case-sensitive: `from:` is not From", () => {
    const r = parseCpim(utf8(crlf("from: <sip:evil@x>", "", "Content-Type: text/plain", "", "hi")));
    assert.ok(r.ok);
    assert.equal(r.value.from, undefined);
  });
  test("Java-style escapes in Subject are decoded", () => {
    const r = parseCpim(utf8(crlf("Subject: a\\u00e9\\tb\\\\c\\\"d\\x", "", "Content-Type: text/plain", "", "hi")));
    assert.ok(r.ok);
    assert.deepEqual(r.value.subject, [{ text: "aé\tb\\c\"d\\x" }]);
  });
  test("an invalid DateTime is left out; an invalid Subject lang is ignored", () => {
    const r = parseCpim(utf8(crlf("DateTime: yesterday", "Subject:;lang=not_a_tag! s", "", "Content-Type: text/plain", "", "hi")));
    assert.ok(r.ok);
    assert.equal(r.value.dateTime, undefined);
    assert.deepEqual(r.value.subject, [{ text: "s" }]);
  });
  test("base64 content is decoded", () => {
    const r = parseCpim(utf8(crlf("To: <sip:a@x>", "", "Content-Type: text/plain", "Content-Transfer-Encoding: base64", "", "aMOp")));
    assert.ok(r.ok);
    assert.equal(str(r.value.body), "hé");
  });
  test("inner MIME headers may be folded", () => {
    const r = parseCpim(utf8(crlf("To: <sip:a@x>", "", "Content-Type: text/plain;", " charset=utf-8", "", "hi")));
    assert.ok(r.ok);
    assert.equal(r.value.contentType, "text/plain; charset=utf-8");
  });
});

describe("parseCpim refusals", () => {
  const REFUSED: ReadonlyArray<readonly [string, string, string]> = [
    ["Require names an extension", crlf("Require: MyFeatures.VitalMessageOption", "", "Content-Type: text/plain", "", "hi"), "unsupported-media-type"],
    ["multipart/signed content", crlf("To: <sip:a@x>", "", 'Content-Type: multipart/signed; boundary=x; protocol="application/pkcs7-signature"', "", "--x--"), "unsupported-media-type"],
    ["application/pkcs7-mime content", crlf("To: <sip:a@x>", "", "Content-Type: application/pkcs7-mime; smime-type=enveloped-data", "", "MIAG"), "unsupported-media-type"],
    ["multipart/encrypted content", crlf("To: <sip:a@x>", "", "Content-Type: multipart/encrypted; boundary=x", "", "--x--"), "unsupported-media-type"],
    ["unknown transfer encoding", crlf("To: <sip:a@x>", "", "Content-Type: text/plain", "Content-Transfer-Encoding: x-uuencode", "", "hi"), "unsupported-media-type"],
    ["two From headers", crlf("From: <sip:a@x>", "From: <sip:b@x>", "", "Content-Type: text/plain", "", "hi"), "sip-malformed"],
    ["From without <URI>", crlf("From: sip:a@x", "", "Content-Type: text/plain", "", "hi"), "sip-malformed"],
    ["To with a blank in the URI", crlf("To: <sip:a @x>", "", "Content-Type: text/plain", "", "hi"), "sip-malformed"],
    ["folded CPIM header", crlf("Subject: a", " b", "", "Content-Type: text/plain", "", "hi"), "sip-malformed"],
    ["no Content-Type in the content", crlf("To: <sip:a@x>", "", "Content-ID: <x@y>", "", "hi"), "sip-malformed"],
    ["malformed inner Content-Type", crlf("To: <sip:a@x>", "", "Content-Type: text", "", "hi"), "sip-malformed"],
    ["header block never ends", "To: <sip:a@x>", "sip-malformed"],
    ["plain text, not CPIM", "hello there", "sip-malformed"],
    ["NUL in a header", crlf("To: <sip:a@x>\u0000", "", "Content-Type: text/plain", "", "hi"), "sip-malformed"],
    ["header line without a colon", crlf("Garbage", "", "Content-Type: text/plain", "", "hi"), "sip-malformed"],
  ];
  for (const [what, body, code] of REFUSED) {
    test(`${what} → ${code}`, () => {
      const r = parseCpim(utf8(body));
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, code);
        if (code === "unsupported-media-type") assert.ok(r.error.accept);
      }
    });
  }
  test("invalid UTF-8 in the header block → invalid-encoding", () => {
    const r = parseCpim(Uint8Array.from([0x54, 0x6f, 0x3a, 0x20, 0xff, 0x0d, 0x0a, 0x0d, 0x0a]));
    assert.equal(r.ok ? "ok" : r.error.code, "invalid-encoding");
  });
  test("too many headers → sip-malformed", () => {
    const r = parseCpim(utf8(crlf(...Array.from({ length: 100 }, (_, k) => `X${k}: y`), "", "Content-Type: text/plain", "", "hi")));
    assert.equal(r.ok ? "ok" : r.error.code, "sip-malformed");
  });
});
