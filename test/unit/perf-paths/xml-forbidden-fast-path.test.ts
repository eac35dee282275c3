/**
 * The char-code scan for XML 1.0 §2.2 forbidden characters must agree with the
 * regexes it replaced: the lookbehind form parse-stanza used, and the `\p{Cs}`
 * form of xml-chars (whose replace still does the removing).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { hasXmlForbiddenChar } from "../../../common/src/xmpp/parse-stanza.js";
import { isXmlSafe, stripXmlForbidden } from "../../../bridge/src/mapping/content/xml-chars.js";

const STANZA_REGEX = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTENT_REGEX = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

function assertSame(s: string): void {
  const label = JSON.stringify(s);
  assert.equal(hasXmlForbiddenChar(s), STANZA_REGEX.test(s), label);
  CONTENT_REGEX.lastIndex = 0;
  assert.equal(isXmlSafe(s), !CONTENT_REGEX.test(s), label);
  assert.equal(stripXmlForbidden(s), s.replace(CONTENT_REGEX, ""), label);
}

// Every class of UTF-16 unit the rule distinguishes, with both edges of each range.
const EDGES = [0x00, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x1f, 0x20, 0x41, 0x7f, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xfffd, 0xfffe, 0xffff]
  .map((c) => String.fromCharCode(c));

test("XML-forbidden scan = the regexes: every UTF-16 unit alone and between letters", () => {
  for (let c = 0; c <= 0xffff; c++) {
    const ch = String.fromCharCode(c);
    assertSame(ch);
    assertSame(`a${ch}b`);
  }
});

test("XML-forbidden scan = the regexes: every string of up to three edge units", () => {
  for (const a of EDGES) for (const b of EDGES) {
    assertSame(a + b);
    for (const c of EDGES) assertSame(a + b + c);
  }
});

test("XML-forbidden scan = the regexes: random strings (fast-check)", () => {
  const unit = fc.oneof(fc.constantFrom(...EDGES), fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)), fc.constantFrom("🙂", "é", "x"));
  fc.assert(fc.property(fc.array(unit, { maxLength: 30 }).map((u) => u.join("")), assertSame), { numRuns: 5000 });
});

test("stripXmlForbidden returns clean text unchanged", () => {
  const clean = "Hello Juliet! an ümlaut and an emoji 🙂";
  assert.equal(stripXmlForbidden(clean), clean);
});
