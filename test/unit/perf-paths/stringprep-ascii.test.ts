/**
 * The ASCII fast path of Nodeprep / Resourceprep must answer exactly what the
 * general algorithm answers (same value, or same failure code and detail).
 * Checked exhaustively for every string of up to two ASCII characters, then
 * with fast-check on longer ASCII strings and on ASCII mixed with characters
 * that force the general path.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { NODEPREP, RESOURCEPREP } from "../../../common/src/address/stringprep/profiles.js";
import {
  stringprepMap, stringprepMapFull, stringprepPrepare, stringprepPrepareFull, type StringprepProfile,
} from "../../../common/src/address/stringprep/stringprep.js";

const PROFILES: readonly StringprepProfile[] = [NODEPREP, RESOURCEPREP];
const RUNS = { numRuns: 3000 };

function assertSame(s: string, profile: StringprepProfile): void {
  const label = `${profile.name}(${JSON.stringify(s)})`;
  assert.deepEqual(stringprepPrepare(s, profile), stringprepPrepareFull(s, profile), label);
  assert.equal(stringprepMap(s, profile), stringprepMapFull(s, profile), `map ${label}`);
}

const ALL_ASCII = Array.from({ length: 128 }, (_, cp) => String.fromCharCode(cp));

test("ASCII fast path = general path: every string of 0, 1 or 2 ASCII characters", () => {
  for (const profile of PROFILES) {
    assertSame("", profile);
    for (const a of ALL_ASCII) {
      assertSame(a, profile);
      for (const b of ALL_ASCII) assertSame(a + b, profile);
    }
  }
});

test("ASCII fast path = general path: random ASCII strings (fast-check)", () => {
  const ascii = fc.string({ unit: fc.integer({ min: 0, max: 127 }).map((cp) => String.fromCharCode(cp)), maxLength: 40 });
  const printable = fc.string({ unit: fc.constantFrom(...ALL_ASCII.slice(0x20, 0x7f)), maxLength: 40 });
  fc.assert(fc.property(fc.oneof(ascii, printable), (s) => PROFILES.forEach((p) => assertSame(s, p))), RUNS);
});

test("ASCII fast path = general path: ASCII mixed with non-ASCII (the general path decides)", () => {
  const others = fc.constantFrom("ß", "Σ", "\u0130", "\u0301", "\u05D0", "\u0627", "\u200B", "\u00AD", "Ａ", "\u{1F600}", "\uD800", "K\u0301");
  const unit = fc.oneof(fc.constantFrom(...ALL_ASCII), others);
  const mixed = fc.array(unit, { maxLength: 24 }).map((cs) => cs.join(""));
  fc.assert(fc.property(mixed, (s) => PROFILES.forEach((p) => assertSame(s, p))), RUNS);
});

test("ASCII fast path = general path: at and past the 1023-octet cap", () => {
  for (const profile of PROFILES) {
    for (const n of [1022, 1023, 1024, 1025]) {
      assertSame("a".repeat(n), profile);
      assertSame("A".repeat(n), profile);
      assertSame("a".repeat(n - 1) + "@", profile);
      assertSame("a".repeat(n - 1) + "\u0000", profile);
    }
  }
});

test("ASCII fast path: worked examples", () => {
  assert.deepEqual(stringprepPrepare("Romeo", NODEPREP), { ok: true, value: "romeo" });
  assert.deepEqual(stringprepPrepare("My Phone", RESOURCEPREP), { ok: true, value: "My Phone" });
  assert.equal(stringprepPrepare("a b", NODEPREP).ok, false, "space is prohibited in a localpart");
  assert.equal(stringprepPrepare("a\u007F", RESOURCEPREP).ok, false, "DEL is prohibited in a resourcepart");
});
