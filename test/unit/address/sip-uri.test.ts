import { test } from "node:test";
import assert from "node:assert/strict";
import { parseSipUri } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("parseSipUri: scheme, decoded user, lower-case host, port, params", () => {
  const u = value(parseSipUri("sip:alice%20b@Atlanta.COM:5060;transport=TCP;lr;GR=Phone"));
  assert.equal(u.scheme, "sip");
  assert.equal(u.user, "alice b");
  assert.equal(u.host, "atlanta.com");
  assert.equal(u.port, 5060);
  assert.deepEqual([...u.params], [["transport", "TCP"], ["lr", null], ["gr", "Phone"]]);
});

test("parseSipUri: schemes sip, sips, im, pres in any case (docs/addresses.md SIP → JID step 1)", () => {
  for (const [text, scheme] of [["SIP:a@x", "sip"], ["Sips:a@x", "sips"], ["IM:a@x", "im"], ["pres:a@x", "pres"]] as const) {
    assert.equal(value(parseSipUri(text)).scheme, scheme);
  }
});

test("parseSipUri: tel:, mailto: and others are 416 unsupported-scheme", () => {
  for (const t of ["tel:+15551234567", "mailto:a@x", "http://x/", "xmpp:a@x", "sipx:a@x"]) failsWith(parseSipUri(t), "unsupported-scheme", 416);
});

test("parseSipUri: text without a scheme is uri-malformed", () => {
  for (const t of ["", "alice@example.com", ":a@x", "1sip:a@x"]) failsWith(parseSipUri(t), "uri-malformed", 400);
});

test("parseSipUri: a password is refused (docs/addresses.md SIP → JID step 2)", () => {
  failsWith(parseSipUri("sip:alice:secret@example.com"), "uri-password", 400);
  failsWith(parseSipUri("sip:alice:@example.com"), "uri-password", 400);
});

test("parseSipUri: no user part is 404 uri-no-user", () => {
  for (const t of ["sip:example.com", "sip:@example.com", "sip:example.com;transport=tcp", "sip:example.com:5060"]) {
    failsWith(parseSipUri(t), "uri-no-user", 404);
  }
});

test("parseSipUri: ?headers are checked and dropped (docs/addresses.md, Grammar)", () => {
  const u = value(parseSipUri("sip:alice@example.com;gr=x?subject=project%20x&priority=urgent"));
  assert.equal(u.host, "example.com");
  assert.equal(u.params.get("gr"), "x");
  failsWith(parseSipUri("sip:alice@example.com?"), "uri-malformed");
  failsWith(parseSipUri("sip:alice@example.com?x=%zz"), "uri-malformed");
});

test("parseSipUri: ';' '=' '?' '/' in the user belong to the user (RFC 3261 §19.1.3)", () => {
  assert.equal(value(parseSipUri("sip:alice;day=tuesday@atlanta.com")).user, "alice;day=tuesday");
  assert.equal(value(parseSipUri("sip:who?/me@x.example")).user, "who?/me");
});

test("parseSipUri: characters the user grammar forbids unescaped are uri-malformed", () => {
  for (const ch of ["#", "[", "]", "^", "{", "}", "|", "`", "\\", '"', "<", ">"]) {
    failsWith(parseSipUri(`sip:a${ch}b@example.com`), "uri-malformed");
  }
});

test("parseSipUri: im:/pres: users take the dot-atom characters of RFC 7247 Table 1", () => {
  assert.equal(value(parseSipUri("im:a#b{c}|d@example.com")).user, "a#b{c}|d");
});

test("parseSipUri: spaces, controls and non-ASCII anywhere are refused", () => {
  for (const t of ["sip:a b@x", "sip:a@x ", "sip:a\r\n@x", "sip:ü@x", "sip:a@x\u0000", "sip:a@x;p=\t"]) {
    failsWith(parseSipUri(t), "uri-malformed");
  }
});

test("parseSipUri: bad %-escapes are uri-malformed, non-UTF-8 users jid-malformed", () => {
  failsWith(parseSipUri("sip:bad%zzuser@example.com"), "uri-malformed", 400);
  failsWith(parseSipUri("sip:%FF%FE@example.com"), "jid-malformed", 400);
});

test("parseSipUri: hosts are hostnames, IPv4 or [IPv6], trailing dot allowed", () => {
  assert.equal(value(parseSipUri("sip:a@192.0.2.1")).host, "192.0.2.1");
  assert.equal(value(parseSipUri("sip:a@[2001:DB8::1]:5061")).host, "[2001:db8::1]");
  assert.equal(value(parseSipUri("sip:a@[2001:db8::1]:5061")).port, 5061);
  assert.equal(value(parseSipUri("sip:a@example.com.")).host, "example.com.");
  for (const h of ["exa_mple.com", "-x.com", "x-.com", "1.2.3", "a..b", "[::1", "[zz::1]", "x.com:99999", "x.com:", "x.com:5a"]) {
    failsWith(parseSipUri(`sip:a@${h}`), "uri-malformed");
  }
});

test("parseSipUri: parameter values are %-decoded and keep case; empty or repeated parameters are refused", () => {
  assert.equal(value(parseSipUri("sip:a@x.example;gr=urn%3Auuid%3AAB")).params.get("gr"), "urn:uuid:AB");
  failsWith(parseSipUri("sip:a@x.example;gr=a;GR=b"), "uri-malformed");
  failsWith(parseSipUri("sip:a@x.example;;lr"), "uri-malformed");
  failsWith(parseSipUri("sip:a@x.example;gr="), "uri-malformed");
  failsWith(parseSipUri("sip:a@x.example;gr=%FF"), "uri-malformed");
});

test("parseSipUri: text longer than SIP_URI_INPUT_MAX is refused before parsing", () => {
  failsWith(parseSipUri(`sip:${"a".repeat(9000)}@x.example`), "uri-malformed");
});
