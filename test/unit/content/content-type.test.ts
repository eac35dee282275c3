import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseContentType, mediaType } from "../../../bridge/src/mapping/content/content-type.js";

const parsed = (v: string) => {
  const r = parseContentType(v);
  assert.ok(r.ok, `${v}: ${r.ok ? "" : r.error.detail}`);
  return { type: mediaType(r.value), params: Object.fromEntries(r.value.params) };
};

describe("parseContentType (RFC 3261 §20.15, RFC 2045 §5.1)", () => {
  const GOOD: ReadonlyArray<readonly [string, string, Record<string, string>]> = [
    ["text/plain", "text/plain", {}],
    ["TEXT/Plain", "text/plain", {}],
    ["text/plain;charset=UTF-8", "text/plain", { charset: "UTF-8" }],
    ["text/plain ; Charset = \"utf-8\"", "text/plain", { charset: "utf-8" }],
    ['multipart/alternative; boundary="a b;c=\\"d\\""', "multipart/alternative", { boundary: 'a b;c="d"' }],
    ["message/CPIM", "message/cpim", {}],
    ["application/im-iscomposing+xml", "application/im-iscomposing+xml", {}],
    [" text/html\t;\tcharset=iso-8859-1 ", "text/html", { charset: "iso-8859-1" }],
    ["text/plain;\r\n charset=utf-8", "text/plain", { charset: "utf-8" }],
    ["text/plain;a=1;b=2", "text/plain", { a: "1", b: "2" }],
    ['text/plain;x="ü"', "text/plain", { x: "ü" }],
  ];
  for (const [input, type, params] of GOOD) {
    test(`accepts ${JSON.stringify(input)}`, () => assert.deepEqual(parsed(input), { type, params }));
  }

  const BAD: readonly string[] = [
    "", "text", "text/", "/plain", "text/plain;", "text/plain;charset", "text/plain;charset=",
    "text/plain;charset=a b", "text/pla in", "text/plain charset=utf-8", "text/plain;charset=\"utf-8",
    "text/plain;a=1;A=2", "text/plain\r\nX-Injected: 1", "text/plain;x=\"a\r\nb\"", "text/plain;x=\"\\\u0000\"",
    "text(/plain)", "text/plain;charset=utf-8,", "x".repeat(2000) + "/y",
  ];
  for (const input of BAD) {
    test(`rejects ${JSON.stringify(input.slice(0, 40))} as sip-malformed`, () => {
      const r = parseContentType(input);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, "sip-malformed");
    });
  }
});
