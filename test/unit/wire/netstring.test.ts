import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { encodeNetstring, NetstringDecoder, FramingError } from "../../../common/src/wire/netstring.js";

test("encodes the length in bytes, not characters", () => {
  assert.equal(encodeNetstring("hé").toString("utf8"), "3:hé,");
});

test("decodes frames coalesced in one chunk", () => {
  const d = new NetstringDecoder(100);
  const out = d.push(Buffer.from('2:{},5:hello,0:,'));
  assert.deepEqual(out.map(String), ["{}", "hello", ""]);
});

test("tolerates whitespace and CRLF between frames (as evapi does)", () => {
  const d = new NetstringDecoder(100);
  assert.deepEqual(d.push(Buffer.from(" 1:a,\r\n1:b,")).map(String), ["a", "b"]);
});

test("a split inside the length prefix loses nothing (the evapi 5.6 bug, docs/wire.md)", () => {
  const d = new NetstringDecoder(100);
  assert.deepEqual(d.push(Buffer.from("1")), []);
  assert.deepEqual(d.push(Buffer.from("1:hello")), []);
  assert.deepEqual(d.push(Buffer.from(" world,")).map(String), ["hello world"]);
  assert.equal(d.pending, 0);
});

test("property: any frames split at any bytes decode to the same payloads", () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: "grapheme", maxLength: 50 }), { maxLength: 8 }), fc.array(fc.nat(), { maxLength: 10 }), (payloads, cuts) => {
      const wire = Buffer.concat(payloads.map((p) => encodeNetstring(p)));
      const points = [...new Set(cuts.map((c) => (wire.length === 0 ? 0 : c % wire.length)))].sort((a, b) => a - b);
      const d = new NetstringDecoder(1000);
      const got: string[] = [];
      let last = 0;
      for (const p of [...points, wire.length]) {
        got.push(...d.push(wire.subarray(last, p)).map((b) => b.toString("utf8")));
        last = p;
      }
      assert.deepEqual(got, payloads);
    }),
  );
});

test("malformed streams throw FramingError (no silent resync)", () => {
  for (const bad of ["x:abc,", "3:abcd,", ":,", "99999999999:"]) {
    assert.throws(() => new NetstringDecoder(100).push(Buffer.from(bad)), FramingError, bad);
  }
});

test("a frame over the cap is refused before it is buffered", () => {
  assert.throws(() => new NetstringDecoder(10).push(Buffer.from("11:")), /exceeds/);
});
