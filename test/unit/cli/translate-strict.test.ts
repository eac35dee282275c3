/**
 * Parsing strictness through `stox translate`, as an operator trying torture
 * messages would see it (docs/robustness.md "Parsing strictness"): semantic
 * errors are refused with the RFC 3261 / RFC 4475 answer, never translated;
 * stanzas are read the way RFC 6121 §5.2 says.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCli, runJson } from "./run-cli.js";

const sip = (over: { start?: string; extra?: string[]; replace?: [RegExp, string]; body?: string } = {}) => {
  const body = over.body ?? "hello";
  let head = [
    over.start ?? "MESSAGE sip:juliet@xmpp.example SIP/2.0",
    "Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKcli",
    "Max-Forwards: 70",
    "From: <sip:romeo@sip.example>;tag=1",
    "To: <sip:juliet@xmpp.example>",
    "Call-ID: cli@192.0.2.1",
    "CSeq: 1 MESSAGE",
    "Content-Type: text/plain",
    ...(over.extra ?? []),
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join("\r\n");
  if (over.replace) head = head.replace(over.replace[0], over.replace[1]);
  return `${head}\r\n\r\n${body}`;
};

test("CLI sip2xmpp: the base request translates (so each refusal below is the rule's own)", async () => {
  const { code, json } = await runJson(["translate", "sip2xmpp"], sip());
  assert.equal(code, 0);
  assert.match(json.out.stanza, /<body>hello<\/body>/);
});

const refused: Array<[string, Parameters<typeof sip>[0], number, string, string]> = [
  ["SIP/7.0 request line (RFC 4475 §3.1.2.16)", { start: "MESSAGE sip:juliet@xmpp.example SIP/7.0" }, 505, "Version Not Supported", "sip-version-unsupported"],
  ["CSeq method ≠ request method (RFC 4475 §3.1.2.17)", { replace: [/CSeq: 1 MESSAGE/, "CSeq: 1 INVITE"] }, 400, "CSeq Method Mismatch", "sip-cseq-mismatch"],
  ["a second From in compact form", { extra: ["f: <sip:mallory@sip.example>;tag=2"] }, 400, "Duplicate Header Field", "sip-duplicate-header"],
  ["a second To", { extra: ["To: <sip:other@xmpp.example>"] }, 400, "Duplicate Header Field", "sip-duplicate-header"],
  ["a second Call-ID (i:)", { extra: ["i: other@192.0.2.2"] }, 400, "Duplicate Header Field", "sip-duplicate-header"],
  ["a second CSeq", { extra: ["CSeq: 2 MESSAGE"] }, 400, "Duplicate Header Field", "sip-duplicate-header"],
  ["CSeq number 2^31 (RFC 4475 §3.1.2.4)", { replace: [/CSeq: 1 /, "CSeq: 2147483648 "] }, 400, "Header Value Out of Range", "sip-out-of-range"],
  ["Max-Forwards 256 (RFC 4475 §3.1.2.4)", { replace: [/Max-Forwards: 70/, "Max-Forwards: 256"] }, 400, "Header Value Out of Range", "sip-out-of-range"],
  ["Content-Length beyond the body (RFC 4475 §3.1.2.2)", { replace: [/Content-Length: 5/, "Content-Length: 50"] }, 400, "Bad Content-Length", "sip-content-length"],
  ["two Content-Length values (RFC 4475 §3.3.9)", { extra: ["l: 5"] }, 400, "Duplicate Header Field", "sip-duplicate-header"],
];

for (const [name, over, status, reason, code] of refused) {
  test(`CLI sip2xmpp refuses ${name} → ${status} ${reason}, no stanza`, async () => {
    const r = await runJson(["translate", "sip2xmpp"], sip(over));
    assert.equal(r.code, 2);
    assert.equal(r.json.out, undefined);
    assert.deepEqual([r.json.error.sip, r.json.error.reason, r.json.error.code], [status, reason, code]);
  });
}

test("CLI sip2xmpp text output names the status and reason", async () => {
  const r = await runCli(["translate", "sip2xmpp"], sip({ start: "MESSAGE sip:juliet@xmpp.example SIP/2.1" }));
  assert.equal(r.code, 2);
  assert.match(r.out, /^refused: SIP 505 Version Not Supported /);
});

test("CLI xmpp2sip: an unknown type is sent as a normal message (RFC 6121 §5.2.2)", async () => {
  const { code, json } = await runJson(["translate", "xmpp2sip"], "<message type='x-unknown' from='a@x.example/r' to='b@sip.example'><body>hi</body></message>");
  assert.equal(code, 0);
  assert.equal(json.out.body, "hi");
});

test("CLI xmpp2sip: <body xmlns='urn:other'/> is not the body", async () => {
  const only = await runJson(["translate", "xmpp2sip"], "<message from='a@x.example/r' to='b@sip.example'><body xmlns='urn:other'>not me</body></message>");
  assert.deepEqual([only.code, only.json.out, only.json.ignored], [0, null, "no-body"]);
  const both = await runJson(["translate", "xmpp2sip"], "<message from='a@x.example/r' to='b@sip.example'><body xmlns='urn:other'>not me</body><subject xmlns='urn:other'>nor me</subject><body>me</body></message>");
  assert.equal(both.code, 0);
  assert.equal(both.json.out.body, "me");
  assert.equal(both.json.out.subject, undefined);
});
