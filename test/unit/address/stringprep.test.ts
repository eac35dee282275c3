/** The Nodeprep / Resourceprep profiles (RFC 3920 App. A/B) as Prosody 0.12 runs them. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeprep, resourceprep } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("Nodeprep B.2: case folding, including full folds (Straße → strasse, ΣΑΣ → σασ)", () => {
  assert.equal(value(nodeprep("Alice")), "alice");
  assert.equal(value(nodeprep("Straße")), "strasse");
  assert.equal(value(nodeprep("ΣΑΣ")), "σασ");
  assert.equal(value(nodeprep("ς")), "σ", "final sigma folds to sigma");
  assert.equal(value(nodeprep("\u0130")), "i\u0307");
  assert.equal(value(nodeprep("\u212A")), "k", "KELVIN SIGN");
  assert.equal(value(nodeprep("\u01C5")), "d\u017E");
});

test("Nodeprep NFKC: compatibility forms (fullwidth, ligatures, Roman numerals)", () => {
  assert.equal(value(nodeprep("Ａlice")), "alice");
  assert.equal(value(nodeprep("ﬁ")), "fi");
  assert.equal(value(nodeprep("Ⅸ")), "ix");
  assert.equal(value(nodeprep("e\u0301")), "é", "composes");
  assert.equal(value(nodeprep("\u{1D15E}")), "\u{1D157}\u{1D165}", "composition exclusion stays decomposed");
});

test("B.1: mapped to nothing (ZWSP, soft hyphen, ZWJ, variation selectors)", () => {
  assert.equal(value(nodeprep("\u200Bbob")), "bob");
  assert.equal(value(nodeprep("b\u00ADo\u200Db\uFE0F")), "bob");
  assert.equal(value(resourceprep("a\u200Bb")), "ab");
});

test("Nodeprep prohibits the eight RFC 3920 A.5 characters", () => {
  for (const ch of `"&'/:<>@`) failsWith(nodeprep(`a${ch}b`), "jid-malformed", 400);
});

test("NFKC output is checked: fullwidth solidus becomes '/' and is refused (RFC 3920 App. A prohibits '/')", () => {
  failsWith(nodeprep("a\uFF0Fb"), "jid-malformed");
  assert.equal(value(resourceprep("a\uFF0Fb")), "a/b", "a resource may hold '/'");
});

test("C.1.1 ASCII space: prohibited in Nodeprep, allowed in Resourceprep", () => {
  failsWith(nodeprep("a b"), "jid-malformed");
  assert.equal(value(resourceprep("my phone")), "my phone");
});

test("C.1.2 non-ASCII spaces: NFKC turns NBSP into a space first", () => {
  failsWith(nodeprep("a\u00A0b"), "jid-malformed");
  assert.equal(value(resourceprep("a\u00A0b")), "a b");
  assert.equal(value(resourceprep("a\u3000b")), "a b");
});

test("C.2 controls, C.3 private use, C.4 non-characters, C.6, C.7, C.8, C.9 are prohibited in both", () => {
  const bad = ["a\u0000b", "\t", "\u007F", "\u0085", "\u2028", "\uE000", "\u{F0000}", "\uFDD0", "\uFFFE",
    "\uFFFD", "\u2FF0", "\u200E", "\u202E", "\u{E0001}", "\u{E0041}", "\u{1D173}"];
  for (const s of bad) {
    failsWith(nodeprep(s), "jid-malformed");
    failsWith(resourceprep(s), "jid-malformed");
  }
});

test("C.5: a lone surrogate is refused", () => {
  failsWith(nodeprep("a\uD800"), "jid-malformed");
  failsWith(resourceprep("\uDC00"), "jid-malformed");
});

test("Resourceprep keeps case and does not apply B.2", () => {
  assert.equal(value(resourceprep("Balcony")), "Balcony");
  assert.equal(value(resourceprep("Straße")), "Straße");
  assert.equal(value(resourceprep("\u2126")), "\u03A9", "NFKC still applies");
});

test("Bidi (RFC 3454 §6): RandAL with L is refused; RandAL must start and end the string", () => {
  assert.equal(value(nodeprep("\u05D0\u05D1")), "\u05D0\u05D1");
  assert.equal(value(nodeprep("\u05D01\u05D1")), "\u05D01\u05D1", "European digits in between are fine");
  failsWith(nodeprep("\u05D0a"), "jid-malformed");
  failsWith(nodeprep("\u05D01"), "jid-malformed");
  failsWith(nodeprep("1\u05D0"), "jid-malformed");
  failsWith(nodeprep("\uFB1D"), "jid-malformed", 400);
});

test("Bidi uses ICU's current classes, as Prosody does (U+08A0 is AL, U+05FF defaults to R)", () => {
  assert.equal(value(nodeprep("\u08A0")), "\u08A0");
  failsWith(nodeprep("\u08A0a"), "jid-malformed");
  failsWith(nodeprep("\u05FFa"), "jid-malformed");
});

test("Unassigned code points (Unicode 3.2) are allowed and left alone, as in Prosody's non-strict call", () => {
  assert.equal(value(nodeprep("\u0221")), "\u0221");
  assert.equal(value(nodeprep("\u1E9E")), "\u1E9E", "capital sharp s (5.1) is not folded");
  assert.equal(value(nodeprep("\u2C00")), "\u2C00", "Glagolitic capital (4.1) is not lower-cased");
  assert.equal(value(nodeprep("\u{1F130}")), "\u{1F130}", "not NFKC-mapped to 'A'");
  assert.equal(value(nodeprep("e\u1DFA")), "e\u1DFA");
});

test("Corrigendum #4 characters keep their Unicode 3.2 decompositions (as ICU's stringprep)", () => {
  assert.equal(value(nodeprep("\u{2F868}")), "\u{2136A}");
  assert.equal(value(nodeprep("\u{2F9BF}")), "\u4D57");
});

test("Symbols are allowed by Nodeprep (unlike PRECIS): ♚, ☃", () => {
  assert.equal(value(nodeprep("♚")), "♚");
  assert.equal(value(nodeprep("☃")), "☃");
});

test("Input and output are each capped at 1023 UTF-8 octets (Prosody's buffers)", () => {
  assert.equal(value(nodeprep("a".repeat(1023))).length, 1023);
  failsWith(nodeprep("a".repeat(1024)), "jid-malformed");
  failsWith(nodeprep("é".repeat(512)), "jid-malformed", 400);
  failsWith(nodeprep("\u200B".repeat(400) + "a"), "jid-malformed");
  assert.equal(value(nodeprep("\uFB03".repeat(341))), "ffi".repeat(341));
  failsWith(resourceprep("\uFDFA".repeat(56)), "jid-malformed");
});

test("The empty string prepares to the empty string (length is checked by the JID code)", () => {
  assert.equal(value(nodeprep("")), "");
  assert.equal(value(nodeprep("\u00AD")), "");
});
