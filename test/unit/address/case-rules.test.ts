/** docs/addresses.md "Case" (RFC 3261 §19.1.4, RFC 7622), one test per rule. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { jidToSipUri, sipUriToJid, unescapeLocal } from "../../../common/src/address/index.js";
import { jidText, value } from "./helpers.js";

test("case, scheme: any case accepted, lower-case sip: emitted", () => {
  assert.equal(jidText(sipUriToJid("SiP:juliet@example.com", "ruri")), "juliet@example.com");
  assert.match(value(jidToSipUri("juliet@example.com")), /^sip:/);
});

test("case, userinfo/localpart: Alice and alice both map to alice; the reverse is lower case", () => {
  assert.equal(jidText(sipUriToJid("sip:Alice@x.example", "ruri")), "alice@x.example");
  assert.equal(jidText(sipUriToJid("sip:alice@x.example", "ruri")), "alice@x.example");
  assert.equal(value(jidToSipUri("ALICE@x.example")), "sip:alice@x.example");
});

test("case, host/domainpart: lower-cased both ways", () => {
  assert.equal(jidText(sipUriToJid("sip:a@SIP.Example", "ruri")), "a@sip.example");
  assert.equal(value(jidToSipUri("a@XMPP.Example")), "sip:a@xmpp.example");
});

test("case, URI parameters: names any case, gr value and resourcepart keep their case", () => {
  assert.equal(jidText(sipUriToJid("sip:a@x.example;GR=Phone", "from")), "a@x.example/Phone");
  assert.equal(value(jidToSipUri("a@x.example/Phone")), "sip:a@x.example;gr=Phone");
});

test("case, percent-encoding hex: read in any case, written upper case", () => {
  assert.equal(jidText(sipUriToJid("sip:f%c3%bc@x.example", "ruri")), "fü@x.example");
  assert.equal(value(jidToSipUri("fü@x.example")), "sip:f%C3%BC@x.example");
});

test("case, XEP-0106 escapes: written lower case; only lower case unescapes", () => {
  assert.equal(jidText(sipUriToJid("sip:a/b@x.example", "ruri")), "a\\2fb@x.example");
  assert.equal(unescapeLocal("a\\2Fb"), "a\\2Fb");
});

test("case, reserved vs other characters: a/b and a%2Fb are different SIP URIs but one JID (lossy)", () => {
  const viaRaw = jidText(sipUriToJid("sip:a/b@x.example", "ruri"));
  const viaEscaped = jidText(sipUriToJid("sip:a%2Fb@x.example", "ruri"));
  assert.equal(viaRaw, "a\\2fb@x.example");
  assert.equal(viaEscaped, viaRaw);
  assert.equal(value(jidToSipUri(viaRaw)), "sip:a/b@x.example");
});
