import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseSipRequest } from "../../../common/src/sip/parse-request.js";
import { header } from "../../../common/src/sip/message.js";

const crlf = (lines: string[], body = "") => Buffer.from(lines.join("\r\n") + "\r\n\r\n" + body, "utf8");
const BASIC = [
  "MESSAGE sip:juliet@xmpp.example SIP/2.0",
  "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK1",
  "From: <sip:romeo@sip.example>;tag=1",
  "To: <sip:juliet@xmpp.example>",
  "Call-ID: abc@host",
  "CSeq: 1 MESSAGE",
  "Content-Type: text/plain",
  "Content-Length: 2",
];

test("parses start line, headers and body", () => {
  const r = parseSipRequest(crlf(BASIC, "hi"));
  assert.ok(r.ok);
  assert.equal(r.value.method, "MESSAGE");
  assert.equal(r.value.requestUri, "sip:juliet@xmpp.example");
  assert.equal(header(r.value, "call-id"), "abc@host");
  assert.equal(Buffer.from(r.value.body).toString(), "hi");
});

test("compact header names are expanded (RFC 3261 §7.3.3)", () => {
  const r = parseSipRequest(crlf(["MESSAGE sip:a@b SIP/2.0", "f: <sip:x@y>;tag=1", "t: <sip:a@b>", "i: cid", "s: Hello", "c: text/plain", "l: 0"]));
  assert.ok(r.ok);
  assert.equal(header(r.value, "From"), "<sip:x@y>;tag=1");
  assert.equal(header(r.value, "subject"), "Hello");
  assert.equal(header(r.value, "content-type"), "text/plain");
});

test("header names are case-insensitive; folded lines are joined (RFC 3261 §7.3.1)", () => {
  const r = parseSipRequest(crlf(["MESSAGE sip:a@b SIP/2.0", "SUBJECT: part one", "  part two", "cOnTeNt-LeNgTh: 0"]));
  assert.ok(r.ok);
  assert.equal(header(r.value, "subject"), "part one part two");
});

test("bare LF line ends are accepted", () => {
  const r = parseSipRequest(Buffer.from(BASIC.join("\n") + "\n\nhi"));
  assert.ok(r.ok);
  assert.equal(Buffer.from(r.value.body).toString(), "hi");
});

test("Content-Length bounds the body; a shorter body is refused", () => {
  const extra = parseSipRequest(crlf(BASIC, "hi and trailing junk"));
  assert.ok(extra.ok && Buffer.from(extra.value.body).toString() === "hi");
  const short = parseSipRequest(crlf([...BASIC.slice(0, -1), "Content-Length: 10"], "hi"));
  assert.equal(!short.ok && short.error.code, "sip-content-length"); // RFC 4475 §3.1.2.2
  assert.equal(!short.ok && short.error.reason, "Bad Content-Length");
});

test("body bytes are kept exactly, even when not UTF-8", () => {
  const raw = Buffer.concat([crlf([...BASIC.slice(0, -1), "Content-Length: 3"]), Buffer.from([0xff, 0x00, 0xfe])]);
  const r = parseSipRequest(raw);
  assert.ok(r.ok);
  assert.deepEqual([...r.value.body], [0xff, 0x00, 0xfe]);
});

test("broken SIP is refused with 400, never thrown", () => {
  const cases: Record<string, Buffer> = {
    "no blank line": Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nTo: x"),
    "bad request line": crlf(["MESSAGE sip:a@b HTTP/1.1"]),
    "header without colon": crlf(["MESSAGE sip:a@b SIP/2.0", "Garbage"]),
    "NUL in headers": crlf(["MESSAGE sip:a@b SIP/2.0", "Subject: a\u0000b"]),
    "bad header name": crlf(["MESSAGE sip:a@b SIP/2.0", "Sub ject: x"]),
    "bad Content-Length": crlf(["MESSAGE sip:a@b SIP/2.0", "Content-Length: -1"]),
    "invalid UTF-8 in headers": Buffer.concat([Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nSubject: "), Buffer.from([0xff]), Buffer.from("\r\n\r\n")]),
  };
  for (const [name, raw] of Object.entries(cases)) {
    const r = parseSipRequest(raw);
    assert.equal(r.ok, false, name);
    assert.equal(!r.ok && r.error.sip, 400, name);
  }
});

test("a bare CR inside a header value is an injection attempt and is refused", () => {
  const r = parseSipRequest(Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nSubject: a\rX-Evil: 1\r\n\r\n"));
  assert.equal(r.ok, false);
});

test("too many headers is refused", () => {
  const many = Array.from({ length: 200 }, (_, i) => `X-H${i}: v`);
  assert.equal(parseSipRequest(crlf(["MESSAGE sip:a@b SIP/2.0", ...many])).ok, false);
});

test("an oversized body is refused with 413", () => {
  const r = parseSipRequest(crlf([...BASIC.slice(0, -1), "Content-Length: 70000"], "x".repeat(70000)));
  assert.equal(!r.ok && r.error.sip, 413);
});

test("property: random bytes never throw", () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => { parseSipRequest(b); }));
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => { parseSipRequest(Buffer.from("MESSAGE sip:a@b SIP/2.0\r\n" + s + "\r\n\r\n")); }));
});

test("a header named like an Object.prototype member is an ordinary header", () => {
  const r = parseSipRequest(crlf([...BASIC, "Constructor: x", "__proto__: y"], "hi"));
  assert.ok(r.ok);
  assert.deepEqual(r.value.headers.get("constructor"), ["x"]);
  assert.deepEqual(r.value.headers.get("__proto__"), ["y"]);
});
