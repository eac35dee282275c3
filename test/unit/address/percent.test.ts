import { test } from "node:test";
import assert from "node:assert/strict";
import { isParamChar, isSipUserChar, isUnreserved, percentDecodeUtf8, percentEncode } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("percentDecodeUtf8: %hh becomes octets read as UTF-8 (RFC 7247 §6.4 steps 3–4)", () => {
  assert.equal(value(percentDecodeUtf8("f%C3%BC")), "fü");
  assert.equal(value(percentDecodeUtf8("f%c3%bc")), "fü", "hex case does not matter on input");
  assert.equal(value(percentDecodeUtf8("plain")), "plain");
  assert.equal(value(percentDecodeUtf8("%25%2541")), "%%41", "decodes once, never twice");
});

test("percentDecodeUtf8: a '%' without two hex digits is uri-malformed (docs/addresses.md SIP → JID step 3)", () => {
  for (const bad of ["%", "%4", "%zz", "a%g0", "100%"]) failsWith(percentDecodeUtf8(bad), "uri-malformed", 400);
});

test("percentDecodeUtf8: octets that are not UTF-8 are jid-malformed (docs/addresses.md SIP → JID step 4)", () => {
  for (const bad of ["%FF%FE", "%C3", "%C0%AF", "%ED%A0%80", "%F4%90%80%80"]) failsWith(percentDecodeUtf8(bad), "jid-malformed", 400);
});

test("percentDecodeUtf8: a leading BOM stays data, not silently dropped", () => {
  assert.equal(value(percentDecodeUtf8("%EF%BB%BFa")), "\uFEFFa");
});

test("percentDecodeUtf8: a lone surrogate in the text is refused", () => {
  failsWith(percentDecodeUtf8("a\uD800"), "jid-malformed");
});

test("percentEncode: every UTF-8 octet outside the allowed set, upper-case hex (RFC 3986 §2.1)", () => {
  assert.equal(percentEncode("tschüss", isSipUserChar), "tsch%C3%BCss");
  assert.equal(percentEncode("a b#%", isUnreserved), "a%20b%23%25");
  assert.equal(percentEncode("♚", isParamChar), "%E2%99%9A");
  assert.equal(percentEncode("\u{1F600}", isParamChar), "%F0%9F%98%80");
  assert.equal(percentEncode("", isParamChar), "");
});

test("percentEncode then percentDecodeUtf8 returns the text", () => {
  const s = "x y/z;ü♚\u{1F600}%";
  assert.equal(value(percentDecodeUtf8(percentEncode(s, isSipUserChar))), s);
});
