/**
 * Parsing strictness (docs/robustness.md): semantic errors in a SIP request
 * are refused with the RFC 3261 / RFC 4475 answer by parseSipRequest itself,
 * so nothing downstream (CLI, the sip.message flow) can translate them. The
 * requests are shaped after the RFC 4475 torture messages they are named for.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSipRequest } from "../../../common/src/sip/parse-request.js";
import { CSEQ_MAX, MAX_FORWARDS_MAX, SINGLE_VALUED_HEADERS, SIP_REQUEST_RULES, hasTopLevelComma } from "../../../common/src/sip/request-rules.js";
import { COMPACT_HEADER_NAMES } from "../../../common/src/sip/message.js";
import { failsWith, value } from "../address/helpers.js";

const BODY = "hi";
const HEAD = [
  "MESSAGE sip:juliet@xmpp.example SIP/2.0",
  "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKrules",
  "Max-Forwards: 70",
  "From: <sip:romeo@sip.example>;tag=1",
  "To: <sip:juliet@xmpp.example>",
  "Call-ID: rules@192.0.2.1",
  "CSeq: 1 MESSAGE",
  "Subject: hello",
  "Content-Type: text/plain",
  `Content-Length: ${BODY.length}`,
];
const raw = (lines: string[], body = BODY) => Buffer.from(lines.join("\r\n") + "\r\n\r\n" + body, "utf8");
/** HEAD with the line starting `prefix` replaced (or removed when `by` is undefined). */
const edit = (prefix: string, by?: string) => HEAD.flatMap((l) => (l.startsWith(prefix) ? (by === undefined ? [] : [by]) : [l]));
const plus = (...lines: string[]) => [...HEAD.slice(0, -1), ...lines, HEAD[HEAD.length - 1]!];

test("the base request passes every rule (so each refusal below is the rule's own)", () => {
  value(parseSipRequest(raw(HEAD)));
});

test("every rule row is documented with its RFC", () => {
  assert.deepEqual(SIP_REQUEST_RULES.map((r) => r.id), ["single-valued", "cseq-number", "cseq-method", "max-forwards"]);
  for (const r of SIP_REQUEST_RULES) assert.match(r.rfc, /RFC 3261 §/, r.id);
});

// ---- SIP-Version (RFC 3261 §7.1, §21.5.6; RFC 4475 §3.1.2.16 badvers) ----

test("a SIP-Version other than SIP/2.0 → 505 Version Not Supported, not 400", () => {
  for (const v of ["SIP/7.0", "SIP/2.1", "SIP/1.0", "SIP/2.00", "SIP/20.0"]) {
    const f = failsWith(parseSipRequest(raw(edit("MESSAGE ", `MESSAGE sip:juliet@xmpp.example ${v}`))), "sip-version-unsupported", 505);
    assert.equal(f.reason, "Version Not Supported");
  }
});

test("a request line that is not SIP-Version shaped stays a 400", () => {
  for (const line of ["MESSAGE sip:a@b HTTP/1.1", "MESSAGE sip:a@b SIP/2", "MESSAGE sip:a@b SIP/x.y", "MESSAGE sip:a@b SIP/7.0 "]) {
    failsWith(parseSipRequest(raw(edit("MESSAGE ", line))), "sip-malformed", 400);
  }
});

// ---- one value per single-valued header (RFC 3261 §7.3.1; RFC 4475 §3.3.8 multi01, §3.3.9 mcl01) ----

const SECOND: Record<(typeof SINGLE_VALUED_HEADERS)[number], string> = {
  "from": "From: <sip:mallory@sip.example>;tag=2",
  "to": "To: <sip:other@xmpp.example>",
  "call-id": "Call-ID: other@192.0.2.2",
  "cseq": "CSeq: 2 MESSAGE",
  "max-forwards": "Max-Forwards: 5",
  "content-length": `Content-Length: ${BODY.length}`,
  "content-type": "Content-Type: text/html",
  "subject": "Subject: again",
};

for (const name of SINGLE_VALUED_HEADERS) {
  test(`a second ${name} header → 400 Duplicate Header Field`, () => {
    const f = failsWith(parseSipRequest(raw(plus(SECOND[name]))), "sip-duplicate-header", 400);
    assert.equal(f.reason, "Duplicate Header Field");
    assert.match(f.detail, new RegExp(name));
  });
}

test("a compact form counts as the same header: f, t, i, l, c, s next to the long form → 400", () => {
  const compactOf = (long: string) => Object.entries(COMPACT_HEADER_NAMES).find(([, l]) => l === long)?.[0];
  for (const name of SINGLE_VALUED_HEADERS) {
    const short = compactOf(name);
    if (short === undefined) continue; // CSeq and Max-Forwards have no compact form
    const line = SECOND[name].replace(/^[^:]+:/, `${short}:`);
    failsWith(parseSipRequest(raw(plus(line))), "sip-duplicate-header", 400);
  }
});

test("RFC 4475 §3.3.8 (multi01): repeated CSeq, Call-ID, To, From, Max-Forwards → 400", () => {
  const multi = [HEAD[0]!, HEAD[1]!, "Max-Forwards: 70", "CSeq: 5 MESSAGE", "Call-ID: m1@192.0.2.1", "CSeq: 59 MESSAGE", "Call-ID: m1@192.0.2.2",
    "From: sip:romeo@sip.example;tag=3413415", "To: sip:juliet@xmpp.example", "To: sip:other@xmpp.example", "From: sip:romeo@sip.example;tag=2923420123",
    "Content-Type: text/plain", "l: 2", "Max-Forwards: 5"];
  failsWith(parseSipRequest(raw(multi)), "sip-duplicate-header", 400);
});

test("values joined by a comma are a second value: To: <a>, <b> and i: a,b → 400", () => {
  failsWith(parseSipRequest(raw(edit("To:", "To: <sip:juliet@xmpp.example>, <sip:other@xmpp.example>"))), "sip-duplicate-header", 400);
  failsWith(parseSipRequest(raw(edit("To:", "t: sip:juliet@xmpp.example, sip:other@xmpp.example"))), "sip-duplicate-header", 400);
  failsWith(parseSipRequest(raw(edit("Call-ID:", "i: a@x,b@y"))), "sip-duplicate-header", 400);
});

test("commas inside a quoted display name or inside <> are not a second value; Subject may hold commas", () => {
  value(parseSipRequest(raw(edit("From:", 'From: "Montague, Romeo \\"R, M\\"" <sip:romeo@sip.example>;tag=1'))));
  value(parseSipRequest(raw(edit("To:", "To: <sip:juliet@xmpp.example;x=a,b>"))));
  value(parseSipRequest(raw(edit("Subject:", "Subject: bread, milk, eggs"))));
  assert.equal(hasTopLevelComma('"a\\", b" <sip:x>'), false);
  assert.equal(hasTopLevelComma('"a" <sip:x>, "b" <sip:y>'), true);
});

test("list headers (Via, Route, Content-Language …) may still repeat", () => {
  value(parseSipRequest(raw(plus("Via: SIP/2.0/UDP 192.0.2.9;branch=z9hG4bK2", "Route: <sip:p1;lr>", "Route: <sip:p2;lr>", "Content-Language: en", "Content-Language: fr"))));
});

// ---- CSeq (RFC 3261 §8.1.1.5, §20.16; RFC 4475 §3.1.2.4 scalar02, §3.1.2.17 mismatch01, §3.1.2.18 mismatch02) ----

test("CSeq method ≠ request method → 400 CSeq Method Mismatch", () => {
  const f = failsWith(parseSipRequest(raw(edit("CSeq:", "CSeq: 1 INVITE"))), "sip-cseq-mismatch", 400);
  assert.equal(f.reason, "CSeq Method Mismatch");
  // mismatch01: a known method with another known method in CSeq
  failsWith(parseSipRequest(raw(edit("MESSAGE ", "OPTIONS sip:juliet@xmpp.example SIP/2.0"))), "sip-cseq-mismatch", 400);
  // mismatch02: an unknown method with a known one in CSeq
  failsWith(parseSipRequest(raw(edit("MESSAGE ", "NEWMETHOD sip:juliet@xmpp.example SIP/2.0"))), "sip-cseq-mismatch", 400);
});

test("methods are case-sensitive (RFC 3261 §7.1): CSeq: 1 message on a MESSAGE → 400", () => {
  failsWith(parseSipRequest(raw(edit("CSeq:", "CSeq: 1 message"))), "sip-cseq-mismatch", 400);
});

test(`CSeq number: ${CSEQ_MAX} passes, 2^31 and above → 400 Header Value Out of Range`, () => {
  value(parseSipRequest(raw(edit("CSeq:", `CSeq: ${CSEQ_MAX} MESSAGE`))));
  value(parseSipRequest(raw(edit("CSeq:", "CSeq: 0 MESSAGE"))));
  for (const n of [String(CSEQ_MAX + 1), "4294967296", "36893488147419103232"]) {
    const f = failsWith(parseSipRequest(raw(edit("CSeq:", `CSeq: ${n} MESSAGE`))), "sip-out-of-range", 400);
    assert.equal(f.reason, "Header Value Out of Range");
  }
});

test("a CSeq that is not 1*DIGIT LWS Method → 400", () => {
  for (const v of ["CSeq: MESSAGE", "CSeq: 1", "CSeq: -1 MESSAGE", "CSeq: 1 MESSAGE extra", "CSeq: 1.5 MESSAGE", "CSeq:"]) {
    failsWith(parseSipRequest(raw(edit("CSeq:", v))), "sip-malformed", 400);
  }
  value(parseSipRequest(raw(edit("CSeq:", "CSeq: 1\tMESSAGE")))); // LWS may be a tab
});

// ---- Max-Forwards (RFC 3261 §20.22; RFC 4475 §3.1.2.4 scalar02) ----

test(`Max-Forwards: 0…${MAX_FORWARDS_MAX} pass the parser, above → 400 Header Value Out of Range`, () => {
  value(parseSipRequest(raw(edit("Max-Forwards:", `Max-Forwards: ${MAX_FORWARDS_MAX}`))));
  value(parseSipRequest(raw(edit("Max-Forwards:", "Max-Forwards: 0")))); // 483 is the mapping's answer (RFC 3261 §16.3)
  for (const n of ["256", "300", "99999999999999999999"]) {
    failsWith(parseSipRequest(raw(edit("Max-Forwards:", `Max-Forwards: ${n}`))), "sip-out-of-range", 400);
  }
});

test("a Max-Forwards that is not 1*DIGIT → 400", () => {
  for (const v of ["Max-Forwards: -1", "Max-Forwards: seventy", "Max-Forwards: 7 0", "Max-Forwards:"]) {
    failsWith(parseSipRequest(raw(edit("Max-Forwards:", v))), "sip-malformed", 400);
  }
});

// ---- Content-Length (RFC 3261 §18.3, §20.14; RFC 4475 §3.1.2.2 clerr, §3.1.2.3 ncl, §3.1.1.8 dblreq) ----

test("Content-Length larger than the body, negative or not a number → 400 Bad Content-Length", () => {
  for (const v of ["Content-Length: 9999", "Content-Length: 3", "Content-Length: -2", "Content-Length: two", "Content-Length: 99999999999"]) {
    const f = failsWith(parseSipRequest(raw(edit("Content-Length:", v))), "sip-content-length", 400);
    assert.equal(f.reason, "Bad Content-Length");
  }
});

test("two Content-Length values, even in compact form → 400 (mcl01)", () => {
  failsWith(parseSipRequest(raw(plus("l: 0"))), "sip-duplicate-header", 400);
});

test("octets after the Content-Length body are discarded, not refused (RFC 3261 §18.3, RFC 4475 §3.1.1.8)", () => {
  const r = value(parseSipRequest(raw(HEAD, BODY + "MESSAGE sip:x@y SIP/2.0\r\n\r\n")));
  assert.equal(Buffer.from(r.body).toString(), BODY);
});
