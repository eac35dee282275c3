import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeLocal, hasEdgeSpaceEscape, unescapeLocal } from "../../../common/src/address/index.js";

test("escapeLocal: the nine characters always escape, lower-case hex (XEP-0106 §4.2)", () => {
  assert.equal(escapeLocal(` "&'/:<>@`), "\\20\\22\\26\\27\\2f\\3a\\3c\\3e\\40");
  assert.equal(escapeLocal("d'artagnan"), "d\\27artagnan");
  assert.equal(escapeLocal("call me \"ishmael\""), "call\\20me\\20\\22ishmael\\22");
});

test("escapeLocal: a backslash escapes only where it starts one of the ten sequences (docs/addresses.md SIP → JID step 5)", () => {
  assert.equal(escapeLocal("\\27"), "\\5c27");
  assert.equal(escapeLocal("\\5c"), "\\5c5c");
  assert.equal(escapeLocal("foo\\bar"), "foo\\bar");
  assert.equal(escapeLocal("\\2F"), "\\2F", "upper-case hex is not an escape sequence");
  assert.equal(escapeLocal("\\"), "\\");
});

test("escapeLocal: normative form for c:\\net (docs/addresses.md, XEP-0106 backslash)", () => {
  assert.equal(escapeLocal("c:\\net"), "c\\3a\\net");
});

test("unescapeLocal: all ten lower-case sequences, left to right, no re-reading", () => {
  assert.equal(unescapeLocal("\\20\\22\\26\\27\\2f\\3a\\3c\\3e\\40\\5c"), ` "&'/:<>@\\`);
  assert.equal(unescapeLocal("\\5c27"), "\\27");
  assert.equal(unescapeLocal("\\5c5c"), "\\5c");
  assert.equal(unescapeLocal("c\\3a\\5cnet"), "c:\\net");
});

test("unescapeLocal: upper-case or unknown sequences stay (XEP-0106 §4.3)", () => {
  assert.equal(unescapeLocal("\\2F"), "\\2F");
  assert.equal(unescapeLocal("\\41"), "\\41");
  assert.equal(unescapeLocal("foo\\bar"), "foo\\bar");
  assert.equal(unescapeLocal("\\"), "\\");
});

test("hasEdgeSpaceEscape: \\20 at either end (XEP-0106 §4.2)", () => {
  assert.equal(hasEdgeSpaceEscape("\\20a"), true);
  assert.equal(hasEdgeSpaceEscape("a\\20"), true);
  assert.equal(hasEdgeSpaceEscape("a\\20b"), false);
  assert.equal(hasEdgeSpaceEscape("\\5c20"), false);
});
