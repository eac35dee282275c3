import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeMsgpack, encodeFrame, LengthPrefixedDecoder, FramingError } from "../../../common/src/wire/length-prefixed.js";

test("frame = 4-byte big-endian length + MessagePack", () => {
  const f = encodeFrame({ type: "ping", v: 1, id: "a" });
  assert.equal(f.readUInt32BE(0), f.length - 4);
  assert.deepEqual(decodeMsgpack(f.subarray(4)), { type: "ping", v: 1, id: "a" });
});

test("undefined fields are left out (Lua sees absent keys)", () => {
  const f = encodeFrame({ a: 1, b: undefined });
  assert.deepEqual(decodeMsgpack(f.subarray(4)), { a: 1 });
});

test("property: frames split or coalesced at any byte decode in order", () => {
  const value = fc.record({ type: fc.string({ maxLength: 10 }), id: fc.string({ maxLength: 20 }), xml: fc.string({ maxLength: 200 }), n: fc.integer() });
  fc.assert(
    fc.property(fc.array(value, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 12 }), (values, cuts) => {
      const wire = Buffer.concat(values.map((v) => encodeFrame(v)));
      const points = [...new Set(cuts.map((c) => (wire.length === 0 ? 0 : c % wire.length)))].sort((a, b) => a - b);
      const d = new LengthPrefixedDecoder(1 << 16);
      const got: unknown[] = [];
      let last = 0;
      for (const p of [...points, wire.length]) {
        got.push(...d.push(wire.subarray(last, p)).map((b) => decodeMsgpack(b)));
        last = p;
      }
      assert.deepEqual(got, values.map((v) => ({ ...v })));
      assert.equal(d.pending, 0);
    }),
  );
});

test("a length over the cap is a FramingError", () => {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(1000, 0);
  assert.throws(() => new LengthPrefixedDecoder(999).push(head), FramingError);
});

test("garbage MessagePack throws (callers answer with an error frame)", () => {
  assert.throws(() => decodeMsgpack(Buffer.from([0xc1])));
});

test("property: random bytes never crash the decoder with anything but FramingError", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        for (const p of new LengthPrefixedDecoder(256).push(bytes)) {
          try { decodeMsgpack(p); } catch { /* malformed payloads are the caller's to answer */ }
        }
      } catch (e) {
        assert.ok(e instanceof FramingError);
      }
    }),
  );
});
