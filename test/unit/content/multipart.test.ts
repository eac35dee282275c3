/** parseMultipart (RFC 2046 §5.1.1) and decodeTransferEncoding (RFC 2045 §6). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseMultipart } from "../../../bridge/src/mapping/content/multipart.js";
import { decodeTransferEncoding } from "../../../bridge/src/mapping/content/transfer-encoding.js";
import { crlf, str, utf8 } from "./bytes.js";

const summary = (body: string, boundary: string) => {
  const r = parseMultipart(utf8(body), boundary);
  if (!r.ok) return r.error.code;
  return r.value.map((p) => ({ headers: p.headers.map((h) => `${h.name}:${h.value.trim()}`), body: str(p.body) }));
};

describe("parseMultipart", () => {
  test("preamble, two parts, close delimiter, epilogue", () => {
    const body = crlf("preamble", "--b1", "Content-Type: text/plain", "", "one", "--b1", "Content-Type: text/html", "", "<p>two</p>", "--b1--", "epilogue");
    assert.deepEqual(summary(body, "b1"), [
      { headers: ["Content-Type:text/plain"], body: "one" },
      { headers: ["Content-Type:text/html"], body: "<p>two</p>" },
    ]);
  });
  test("a part without headers starts with an empty line", () => {
    assert.deepEqual(summary(crlf("--b", "", "just text", "--b--"), "b"), [{ headers: [], body: "just text" }]);
  });
  test("content lines that start with the boundary text are not delimiters", () => {
    assert.deepEqual(summary(crlf("--b", "", "--bx is content", "--b--"), "b"), [{ headers: [], body: "--bx is content" }]);
  });
  test("LF line ends and transport padding after the delimiter", () => {
    assert.deepEqual(summary("--b  \n\nx\n--b--\n", "b"), [{ headers: [], body: "x" }]);
  });
  test("missing close delimiter: the last part runs to the end", () => {
    assert.deepEqual(summary(crlf("--b", "", "tail"), "b"), [{ headers: [], body: "tail" }]);
  });
  test("content keeps inner CRLFs; the CRLF before the delimiter belongs to it", () => {
    assert.deepEqual(summary(crlf("--b", "", "l1", "l2", "", "--b--"), "b"), [{ headers: [], body: "l1\r\nl2\r\n" }]);
  });
  const BAD: ReadonlyArray<readonly [string, string, string]> = [
    ["no delimiter", "no parts here", "b"],
    ["bad boundary", "--b\r\n\r\nx", "a\"b"],
    ["empty boundary", "--\r\n\r\nx", ""],
    ["boundary over 70 chars", "x", "a".repeat(71)],
    ["only a close delimiter", "--b--", "b"],
    ["part with a broken header", crlf("--b", "not a header", "", "x", "--b--"), "b"],
  ];
  for (const [what, body, boundary] of BAD) test(`${what} → sip-malformed`, () => assert.equal(summary(body, boundary), "sip-malformed"));
  test("more than 16 parts → sip-malformed", () => {
    const body = Array.from({ length: 20 }, () => crlf("--b", "", "x")).join("\r\n") + "\r\n--b--";
    assert.equal(summary(body, "b"), "sip-malformed");
  });
});

describe("decodeTransferEncoding", () => {
  const OK: ReadonlyArray<readonly [string | undefined, string, string]> = [
    [undefined, "raw", "raw"],
    ["7bit", "raw", "raw"],
    ["8BIT", "rä", "rä"],
    ["binary", "x", "x"],
    ["base64", "aMOp\r\nIHRo\r\nZXJl", "hé there"],
    ["quoted-printable", "caf=C3=A9 =\r\nsoft=3Dbreak  \r\nline2", "café soft=break\r\nline2"],
  ];
  for (const [cte, input, expected] of OK) {
    test(`${cte ?? "(none)"} ${JSON.stringify(input)}`, () => {
      const r = decodeTransferEncoding(cte, utf8(input));
      assert.ok(r.ok);
      assert.equal(str(r.value), expected);
    });
  }
  const BAD: ReadonlyArray<readonly [string, string, string]> = [
    ["base64", "not*base64", "invalid-encoding"],
    ["base64", "a", "invalid-encoding"],
    ["quoted-printable", "bad=ZZ", "invalid-encoding"],
    ["x-uuencode", "x", "unsupported-media-type"],
  ];
  for (const [cte, input, code] of BAD) {
    test(`${cte} ${JSON.stringify(input)} → ${code}`, () => {
      const r = decodeTransferEncoding(cte, utf8(input));
      assert.equal(r.ok ? "ok" : r.error.code, code);
    });
  }
});
