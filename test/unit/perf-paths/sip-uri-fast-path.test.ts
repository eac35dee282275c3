/**
 * The table-driven character classes and the regex-free SIP URI parser must
 * answer exactly what the earlier regex / split based versions answered
 * (frozen in ./reference/): every character for the classes, and random
 * URIs built from the pieces that exercise each rule for the parser.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import * as fast from "../../../common/src/address/sip-charsets.js";
import { parseSipUri } from "../../../common/src/address/sip-uri.js";
import * as ref from "./reference/sip-charsets.js";
import { parseSipUri as refParseSipUri } from "./reference/sip-uri.js";

const PREDICATES = [
  "isUnreserved", "isUserUnreserved", "isSipUserChar", "isPasswordChar", "isParamChar", "isHeaderChar", "isImUserChar", "isImUserInputChar",
] as const;

test("character classes = the regex/includes versions, for every UTF-16 unit and some longer strings", () => {
  const inputs = [...Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)), "", "ab", "\u{1F600}", "%2", "a\u0000"];
  for (const name of PREDICATES) {
    for (const ch of inputs) assert.equal(fast[name](ch), ref[name](ch), `${name}(${JSON.stringify(ch)})`);
  }
});

// Each piece is usually well-formed and sometimes not, so both the accepting
// paths and every refusal are reached.
const piece = (good: readonly string[], bad: readonly string[] = []) => bad.length === 0
  ? fc.constantFrom(...good)
  : fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...good) }, { weight: 1, arbitrary: fc.constantFrom(...bad) });
const scheme = piece(["sip", "SIP", "sips", "Sips", "im", "pres", "PRES"], ["tel", "s1p", "x+y.z-w", "", "1sip", "si p", "sip\u00e9"]);
const userChar = piece([..."aZ09-_.!~*'()&=+$,;?/", "%41", "%C3%BC", "%20"], [..."#^`{|}%:", "%zz", "%FF", "%2", " ", "\u00fc", "\t", "\\", "@"]);
const user = fc.array(userChar, { maxLength: 8 }).map((cs) => cs.join(""));
const host = piece(["example.com", "EXAMPLE.com", "x.test.", "192.0.2.1", "[::1]", "[2001:DB8::1]", "xn--caf-dma.example"],
  ["256.1.1.1", "1.2.3", "[::1", "[zz]", "a..b", "-a.b", "", "h_st.example", "caf\u00e9.example"]);
const port = piece(["", ":5060", ":0", ":65535", ":05060"], [":65536", ":", ":abc", ":123456", ":+1", ": 1"]);
const param = piece([";gr=x", ";GR=%41", ";lr", ";gr", ";transport=tcp", ";x=[v6]:&+$", ";user=phone"],
  [";", ";a=b;a=c", ";A=b;a=c", ";=x", ";a=", ";x=%FF", ";x=a\"b", ";maddr=%zz"]);
const headers = piece(["", "?subject=x", "?a=b&c=d", "?a=%41"], ["?a", "?a=%zz", "?=b", "?a=b&", "?a=b?c", "?a=\u00fc"]);
const uri = fc.tuple(scheme, piece([":"], ["", "::"]), user, piece(["@"], ["", "@@"]), host, port, fc.array(param, { maxLength: 3 }), headers)
  .map(([s, c, u, at, h, p, ps, hs]) => `${s}${c}${u}${at}${h}${p}${ps.join("")}${hs}`);

test("parseSipUri (one pass, no split) = the earlier parser on random URIs", () => {
  fc.assert(fc.property(fc.oneof({ weight: 9, arbitrary: uri }, { weight: 1, arbitrary: fc.string({ maxLength: 40 }) }), (u) => {
    assert.deepEqual(parseSipUri(u), refParseSipUri(u), JSON.stringify(u));
  }), { numRuns: 20000 });
});

test("parseSipUri = the earlier parser: worked examples and limits", () => {
  for (const u of [
    "SIP:Alice@Example.COM;GR=Phone", "sip:alice;day=tuesday@atlanta.com:5060;transport=tcp;gr=kjh29?subject=x",
    "sip:romeo@sip.example;gr=phone", "tel:+15551234", "sip:alice:pw@x", "sip:x.example", "sip:@x", "sip:a@x;gr=%C3%BC",
    "sip:" + "a".repeat(8188) + "@x", "sip:" + "a".repeat(8189) + "@x",
  ]) assert.deepEqual(parseSipUri(u), refParseSipUri(u), u);
});
