import { test } from "node:test";
import assert from "node:assert/strict";
import { extractUriFromNameAddr, formatNameAddr, jidToSipUri } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("extractUriFromNameAddr: quoted display name, URI params stay in the URI, header params apart", () => {
  const a = value(extractUriFromNameAddr('"Bob \\"B\\" Smith" <sip:bob@biloxi.example;gr=x>;tag=a6c85cf'));
  assert.equal(a.uri, "sip:bob@biloxi.example;gr=x");
  assert.equal(a.displayName, 'Bob "B" Smith');
  assert.deepEqual([...a.params], [["tag", "a6c85cf"]]);
});

test("extractUriFromNameAddr: unquoted display name, LWS collapsed", () => {
  const a = value(extractUriFromNameAddr("  Bob   Smith  <sip:bob@x.example> ; tag = 1 "));
  assert.equal(a.displayName, "Bob Smith");
  assert.equal(a.uri, "sip:bob@x.example");
  assert.equal(a.params.get("tag"), "1");
});

test("extractUriFromNameAddr: <URI> without a display name", () => {
  const a = value(extractUriFromNameAddr("<sip:bob@x.example;gr=p>"));
  assert.equal(a.uri, "sip:bob@x.example;gr=p");
  assert.equal(a.displayName, undefined);
  assert.equal(a.params.size, 0);
});

test("extractUriFromNameAddr: addr-spec form, every ';' parameter is a header parameter (RFC 3261 §20.10)", () => {
  const a = value(extractUriFromNameAddr("sip:alice@atlanta.example;tag=88sja8x;gr=x"));
  assert.equal(a.uri, "sip:alice@atlanta.example");
  assert.deepEqual([...a.params], [["tag", "88sja8x"], ["gr", "x"]]);
});

test("extractUriFromNameAddr: quoted and valueless header parameters; names lower-cased", () => {
  const a = value(extractUriFromNameAddr('<sip:a@x.example>;TAG=Ab1;foo="x y";ob'));
  assert.deepEqual([...a.params], [["tag", "Ab1"], ["foo", "x y"], ["ob", null]]);
});

test("extractUriFromNameAddr: broken syntax and injection are sip-malformed (docs/security.md, header injection)", () => {
  const bad = ['"Bob <sip:a@x>', '"Bob" sip:a@x', "<sip:a@x", "<sip:a@x>junk", "<sip:a@x>;tag=1;tag=2",
    "Bob\r\nX: y <sip:a@x>", "<sip:a@x>;tag=a\u0000", "<>", "<sip:a b@x>", 'B"ob <sip:a@x>', "<sip:a@x>;=1"];
  for (const v of bad) failsWith(extractUriFromNameAddr(v), "sip-malformed", 400);
});

test("formatNameAddr: always bracketed, display name quoted and escaped", () => {
  const s = value(formatNameAddr({ uri: "sip:j@x.example;gr=b", displayName: 'J "x" \\', params: new Map([["tag", "9f"]]) }));
  assert.equal(s, '"J \\"x\\" \\\\" <sip:j@x.example;gr=b>;tag=9f');
  const back = value(extractUriFromNameAddr(s));
  assert.equal(back.displayName, 'J "x" \\');
  assert.equal(back.uri, "sip:j@x.example;gr=b");
});

test("formatNameAddr: refuses CR/LF and controls in the display name, non-token params, unsafe URIs", () => {
  failsWith(formatNameAddr({ uri: "sip:a@x", displayName: "a\r\nVia: evil", params: new Map() }), "sip-malformed");
  failsWith(formatNameAddr({ uri: "sip:a@x", displayName: "x".repeat(257), params: new Map() }), "sip-malformed");
  failsWith(formatNameAddr({ uri: "sip:a@x", params: new Map([["tag", "a b"]]) }), "sip-malformed");
  failsWith(formatNameAddr({ uri: "sip:a@x>;x", params: new Map() }), "sip-malformed");
});

test("vector X26: pager From is the bare JID with gr inside the brackets (RFC 7572 §4 note 1)", () => {
  const uri = value(jidToSipUri("juliet@example.com/yn0cl4bnw0yr3vym"));
  const from = "From: " + value(formatNameAddr({ uri, params: new Map([["tag", "<rand>".replace(/[<>]/g, "")]]) }));
  assert.equal(from, "From: <sip:juliet@example.com;gr=yn0cl4bnw0yr3vym>;tag=rand");
});
