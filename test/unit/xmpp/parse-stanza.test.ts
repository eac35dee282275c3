import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";

test("parses one stanza with entities decoded", () => {
  const r = parseStanza("<message to='a@b'><body>1 &lt; 2 &amp; &#x263A;</body></message>");
  assert.ok(r.ok);
  assert.equal(r.value.getChildText("body"), "1 < 2 & ☺");
});

test("refuses what is not exactly one well-formed stanza", () => {
  for (const bad of ["", "text", "<a/><b/>", "<a><b></a>", "<message>", "<message><body>&bogus;</body></message>"]) {
    assert.equal(parseStanza(bad).ok, false, bad);
  }
});

test("refuses DTDs, comments and processing instructions (no entity expansion tricks)", () => {
  for (const bad of ["<!DOCTYPE x [<!ENTITY a 'b'>]><message/>", "<message><!-- c --></message>", "<?xml version='1.0'?><message/>", "<message><![CDATA[x]]></message>"]) {
    assert.equal(parseStanza(bad).ok, false, bad);
  }
});

test("refuses characters XML 1.0 forbids, even as references", () => {
  assert.equal(parseStanza("<message><body>&#0;</body></message>").ok, false);
  assert.equal(parseStanza("<message><body>&#x1;</body></message>").ok, false);
});

test("caps nesting depth, element count and size (docs/security.md)", () => {
  assert.equal(parseStanza("<m>" + "<a>".repeat(40) + "</a>".repeat(40) + "</m>").ok, false);
  assert.equal(parseStanza("<m>" + "<a/>".repeat(3000) + "</m>").ok, false);
  assert.equal(parseStanza("<m>" + "x".repeat(300000) + "</m>").ok, false);
  assert.equal(parseStanza("<m>" + "<a>".repeat(100000) + "</a>".repeat(100000) + "</m>").ok, false);
});

test("cannot escape the wrapper to smuggle a second stanza", () => {
  assert.equal(parseStanza("<message/></stox-wrapper-0a7f><message/>").ok, false);
});

test("property: random text never throws", () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => { parseStanza(s); parseStanza(`<message>${s}</message>`); }));
});
