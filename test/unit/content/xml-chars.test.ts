import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { isXmlSafe, stripXmlForbidden } from "../../../bridge/src/mapping/content/xml-chars.js";

const FORBIDDEN: readonly string[] = [
  ...Array.from({ length: 9 }, (_, c) => String.fromCharCode(c)), // U+0000–U+0008
  "\u000B", "\u000C",
  ...Array.from({ length: 18 }, (_, k) => String.fromCharCode(0x0e + k)), // U+000E–U+001F
  "\uFFFE", "\uFFFF", "\uD800", "\uDBFF", "\uDC00", "\uDFFF",
];
const KEPT: readonly string[] = ["\t", "\n", "\r", " ", "a", "\u007F", "\u0085", "\uD7FF", "\uE000", "\uFFFD", "😀", "\u{10FFFF}", "\u00A0"];

for (const c of FORBIDDEN) {
  test(`removes U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`, () => {
    assert.equal(stripXmlForbidden(`a${c}b`), "ab");
    assert.equal(isXmlSafe(`a${c}b`), false);
  });
}
for (const c of KEPT) {
  test(`keeps U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`, () => {
    assert.equal(stripXmlForbidden(`a${c}b`), `a${c}b`);
    assert.equal(isXmlSafe(`a${c}b`), true);
  });
}
test("a surrogate pair is kept, its halves alone are not", () => {
  assert.equal(stripXmlForbidden("\uD83D\uDE00"), "😀");
  assert.equal(stripXmlForbidden("\uDE00\uD83D"), "");
});
test("property: the output is always XML-safe and only characters were removed", () => {
  fc.assert(
    fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (s) => {
      const out = stripXmlForbidden(s);
      assert.ok(isXmlSafe(out));
      assert.ok(out.length <= s.length);
      assert.equal(stripXmlForbidden(out), out);
    }),
    { numRuns: 500 },
  );
});
