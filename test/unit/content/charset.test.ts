import { describe, test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeText } from "../../../bridge/src/mapping/content/charset.js";

const bytes = (...b: number[]) => Uint8Array.from(b);
const utf8 = (s: string) => new TextEncoder().encode(s);

describe("decodeText: supported charsets", () => {
  const CASES: ReadonlyArray<readonly [string | undefined, Uint8Array, string]> = [
    [undefined, utf8("grüß dich ☺"), "grüß dich ☺"],
    ["utf-8", utf8("привет"), "привет"],
    ["UTF-8", utf8("x"), "x"],
    [" utf8 ", utf8("x"), "x"],
    ["us-ascii", utf8("plain"), "plain"],
    ["iso-8859-1", bytes(0x63, 0x61, 0x66, 0xe9), "café"],
    ["iso-8859-2", bytes(0xb1, 0xe6), "ąć"],
    ["iso-8859-5", bytes(0xbf, 0xe0, 0xd8), "При"],
    ["windows-1251", bytes(0xcf, 0xf0, 0xe8), "При"],
    ["windows-1252", bytes(0x80, 0x93, 0x94), "€“”"],
    ["koi8-r", bytes(0xf0, 0xd2, 0xc9), "При"],
    ["shift_jis", bytes(0x82, 0xa0), "あ"],
    ["euc-jp", bytes(0xa4, 0xa2), "あ"],
    ["iso-2022-jp", bytes(0x1b, 0x24, 0x42, 0x24, 0x22, 0x1b, 0x28, 0x42), "あ"],
    ["gb18030", bytes(0xc4, 0xe3), "你"],
    ["big5", bytes(0xa7, 0x41), "你"],
    ["euc-kr", bytes(0xbe, 0xc8), "안"],
    ["utf-16le", bytes(0x41, 0x00, 0x42, 0x00), "AB"],
    ["utf-16be", bytes(0x00, 0x41, 0x00, 0x42), "AB"],
    ["utf-16", bytes(0xff, 0xfe, 0x41, 0x00), "A"],
    ["utf-16", bytes(0xfe, 0xff, 0x00, 0x41), "A"],
    ["utf-16", bytes(0x00, 0x41), "A"], // RFC 2781 §4.3: no BOM → big-endian
  ];
  for (const [cs, input, expected] of CASES) {
    test(`${cs ?? "(default)"} → ${expected}`, () => assert.deepEqual(decodeText(input, cs), { ok: true, value: expected }));
  }
  test("windows-1252 0x80–0x9F follow the WHATWG index (regression: nodejs/node#56542 Latin-1 fast path)", () => {
    const all = Uint8Array.from({ length: 32 }, (_, k) => 0x80 + k);
    const expected = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ";
    for (const label of ["windows-1252", "cp1252", "iso-8859-1", "latin1"]) {
      assert.deepEqual(decodeText(all, label), { ok: true, value: expected }, label);
    }
  });
  test("a UTF-8 BOM is stripped (default and explicit)", () => {
    assert.deepEqual(decodeText(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69), undefined), { ok: true, value: "hi" });
    assert.deepEqual(decodeText(bytes(0xef, 0xbb, 0xbf, 0x68, 0x69), "utf-8"), { ok: true, value: "hi" });
  });
  test("NUL bytes decode (removed later by stripXmlForbidden, not here)", () => {
    assert.deepEqual(decodeText(bytes(0x61, 0x00, 0x62), undefined), { ok: true, value: "a\u0000b" });
  });
});

describe("decodeText: failures, never mojibake", () => {
  const INVALID: ReadonlyArray<readonly [string | undefined, Uint8Array]> = [
    [undefined, bytes(0xc3, 0x28)],
    ["utf-8", bytes(0xff)],
    ["utf-8", bytes(0xed, 0xa0, 0x80)], // encoded surrogate
    ["utf-8", bytes(0xc0, 0xaf)], // overlong '/'
    ["utf-8", bytes(0xe2, 0x82)], // truncated
    ["us-ascii", bytes(0x63, 0x61, 0x66, 0xe9)], // WHATWG would say windows-1252; we refuse
    ["ascii", bytes(0x80)],
    ["shift_jis", bytes(0x82, 0xa0, 0xff)],
    ["euc-jp", bytes(0xa4)],
    ["gb18030", bytes(0x81)],
    ["big5", bytes(0xa7)],
    ["euc-kr", bytes(0xbe)],
    ["utf-16le", bytes(0x41, 0x00, 0x42)], // odd length
    ["utf-16le", bytes(0x00, 0xd8, 0x41, 0x00)], // lone surrogate
    ["utf-16be", bytes(0xdc, 0x00)],
    ["iso-2022-jp", bytes(0x1b, 0x24, 0x42, 0x24)],
  ];
  for (const [cs, input] of INVALID) {
    test(`invalid bytes in ${cs ?? "(default)"} → invalid-encoding`, () => {
      const r = decodeText(input, cs);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, "invalid-encoding");
      if (!r.ok) assert.equal(r.error.sip, 400);
    });
  }
  for (const cs of ["x-klingon", "utf-7", "utf-32", "hz-gb-2312", "iso-2022-kr", "replacement", "x-user-defined", "", "a".repeat(100)]) {
    test(`charset ${JSON.stringify(cs.slice(0, 20))} → bad-charset (415 with Accept)`, () => {
      const r = decodeText(utf8("x"), cs);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.equal(r.error.code, "bad-charset");
        assert.equal(r.error.sip, 415);
        assert.ok(r.error.accept?.includes("text/plain"));
      }
    });
  }
});

describe("decodeText: properties", () => {
  const LABELS = [undefined, "utf-8", "us-ascii", "iso-8859-1", "windows-1252", "utf-16", "utf-16le", "utf-16be", "shift_jis", "gb18030", "iso-2022-jp", "koi8-r", "bogus"];
  test("never throws on random bytes and labels", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), fc.constantFrom(...LABELS), fc.string({ maxLength: 20 }), (b, label, randomLabel) => {
        for (const cs of [label, randomLabel]) {
          const r = decodeText(b, cs);
          assert.equal(typeof r.ok, "boolean");
          if (!r.ok) assert.ok(r.error.code === "invalid-encoding" || r.error.code === "bad-charset");
        }
      }),
      { numRuns: 500 },
    );
  });
  test("UTF-8 round-trips any well-formed string", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 100 }), (s) => {
        const wellFormed = s.replace(/\p{Cs}/gu, "").replace(/^\uFEFF/, "");
        assert.deepEqual(decodeText(utf8(wellFormed), undefined), { ok: true, value: wellFormed });
      }),
    );
  });
});
