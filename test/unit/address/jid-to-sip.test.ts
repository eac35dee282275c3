/** docs/addresses.md "JID → SIP" (RFC 7247 §6.5 + completions), one test per step. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { isSipUserChar, jidToSipUri, localpartToUser } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("JID → SIP step 1: split per RFC 7622 (first '/', then first '@'); Jid objects are re-canonicalised", () => {
  assert.equal(value(jidToSipUri("juliet@example.com/a/b")), "sip:juliet@example.com;gr=a/b");
  assert.equal(value(jidToSipUri({ local: "Juliet", domain: "EXAMPLE.com" })), "sip:juliet@example.com");
  failsWith(jidToSipUri({ local: "x@evil", domain: "example.com" }), "jid-malformed");
});

test("JID → SIP step 1: a JID without localpart is not a user → jid-malformed (X31)", () => {
  failsWith(jidToSipUri("example.com"), "jid-malformed", 400);
  const f = failsWith(jidToSipUri("@example.com"), "jid-malformed", 400);
  assert.equal(f.xmpp, "jid-malformed");
  assert.equal(f.type, "modify");
});

test("JID → SIP step 1: Nodeprep first (Juliet → juliet)", () => {
  assert.equal(value(jidToSipUri("Juliet@Example.com")), "sip:juliet@example.com");
});

test("JID → SIP step 2: unescape all ten lower-case sequences after Nodeprep", () => {
  assert.equal(value(jidToSipUri("m\\26m@xmpp.example")), "sip:m&m@xmpp.example");
  assert.equal(value(jidToSipUri("d\\27artagnan@musketeers.lit")), "sip:d'artagnan@musketeers.lit");
  assert.equal(value(jidToSipUri("a\\2fb@example.com")), "sip:a/b@example.com");
  assert.equal(value(jidToSipUri("user\\40host@example.com")), "sip:user%40host@example.com");
  assert.equal(value(jidToSipUri("\\5c27@example.com")), "sip:%5C27@example.com");
  assert.equal(value(jidToSipUri("A\\2F@example.com")), "sip:a/@example.com", "Nodeprep lower-cases \\2F into an escape first");
});

test("JID → SIP step 2: a backslash followed by anything else stays", () => {
  assert.equal(value(jidToSipUri("foo\\bar@example.com")), "sip:foo%5Cbar@example.com");
  assert.equal(value(jidToSipUri("x\\41@example.com")), "sip:x%5C41@example.com");
});

test("JID → SIP step 2: an escaped space at either end is refused (XEP-0106 §4.2)", () => {
  failsWith(jidToSipUri("\\20juliet@example.com"), "jid-malformed");
  failsWith(jidToSipUri("juliet\\20@example.com"), "jid-malformed");
  assert.equal(value(jidToSipUri("a\\20b@example.com")), "sip:a%20b@example.com");
});

test("JID → SIP scheme (RFC 7247 §6.5 steps 4, 7): sip: by default; im: and pres: on request", () => {
  assert.equal(value(jidToSipUri("juliet@example.com", { scheme: "im" })), "im:juliet@example.com");
  assert.equal(value(jidToSipUri("juliet@example.com", { scheme: "pres" })), "pres:juliet@example.com");
});

test("JID → SIP step 3 (sip): every octet outside unreserved ∪ user-unreserved, upper-case hex", () => {
  assert.equal(value(jidToSipUri("a\\26\\27\\2f;=+$,?!~*()-_.z@example.com")), "sip:a&'/;=+$,?!~*()-_.z@example.com");
  assert.equal(value(jidToSipUri("#%[]^`{|}@example.com")), "sip:%23%25%5B%5D%5E%60%7B%7C%7D@example.com");
  assert.equal(value(jidToSipUri("tschüss@xmpp.example")), "sip:tsch%C3%BCss@xmpp.example");
  assert.equal(value(jidToSipUri("call\\20me\\20\\22ishmael\\22\\3a\\3c\\3e@example.com")), "sip:call%20me%20%22ishmael%22%3A%3C%3E@example.com");
  assert.equal(value(jidToSipUri("x%41y@example.com")), "sip:x%2541y@example.com");
});

test("JID → SIP step 3 (im/pres): encode ( ) , . ; [ \\ ] and non-ASCII, plus what no URI carries raw", () => {
  assert.equal(value(jidToSipUri("first.last@example.com", { scheme: "im" })), "im:first%2Elast@example.com");
  assert.equal(value(jidToSipUri("a(b)c,d;e[f]g\\h@example.com", { scheme: "pres" })), "pres:a%28b%29c%2Cd%3Be%5Bf%5Dg%5Ch@example.com");
  assert.equal(value(jidToSipUri("a#b%c^d`e{f|g}h@example.com", { scheme: "im" })), "im:a%23b%25c%5Ed%60e%7Bf%7Cg%7Dh@example.com");
  assert.equal(value(jidToSipUri("a!$\\26\\27*+-\\2f=?_~z@example.com", { scheme: "im" })), "im:a!$&'*+-/=?_~z@example.com");
  assert.equal(value(jidToSipUri("a\\3ab\\40c@example.com", { scheme: "im" })), "im:a%3Ab%40c@example.com");
  assert.equal(value(jidToSipUri("tschüss@xmpp.example", { scheme: "im" })), "im:tsch%C3%BCss@xmpp.example");
});

test("JID → SIP step 4: domain → A-labels", () => {
  assert.equal(value(jidToSipUri("juliet@café.example")), "sip:juliet@xn--caf-dma.example");
  assert.equal(value(jidToSipUri("juliet@[2001:db8::1]")), "sip:juliet@[2001:db8::1]");
});

test("JID → SIP step 5: resource → ;gr= with paramchar encoding (sip only)", () => {
  assert.equal(value(jidToSipUri("baz@xmpp.example/qux")), "sip:baz@xmpp.example;gr=qux");
  assert.equal(value(jidToSipUri("j@example.com/a;b=c")), "sip:j@example.com;gr=a%3Bb%3Dc");
  assert.equal(value(jidToSipUri("j@example.com/x@y?z,#% \"<>\\^`{|}")), "sip:j@example.com;gr=x%40y%3Fz%2C%23%25%20%22%3C%3E%5C%5E%60%7B%7C%7D");
  assert.equal(value(jidToSipUri("j@example.com/:/[]&+$-_.!~*'()")), "sip:j@example.com;gr=:/[]&+$-_.!~*'()");
  assert.equal(value(jidToSipUri("j@example.com/♚")), "sip:j@example.com;gr=%E2%99%9A");
  assert.equal(value(jidToSipUri("j@example.com/Balcony")), "sip:j@example.com;gr=Balcony", "case kept");
});

test("JID → SIP step 5: withGruu: false gives the bare URI; im:/pres: never carry gr (X29)", () => {
  assert.equal(value(jidToSipUri("j@example.com/r", { withGruu: false })), "sip:j@example.com");
  assert.equal(value(jidToSipUri("j@example.com/r", { scheme: "im" })), "im:j@example.com");
  assert.equal(value(jidToSipUri("j@example.com/r", { scheme: "pres", withGruu: true })), "pres:j@example.com");
});

test("localpartToUser: the user text alone", () => {
  assert.equal(value(localpartToUser("user\\40host", "sip")), "user%40host");
  for (const ch of value(localpartToUser("ü\\20\\22#", "sip"))) assert.ok(ch === "%" || isSipUserChar(ch));
});
