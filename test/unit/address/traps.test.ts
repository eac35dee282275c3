/** docs/addresses.md "Traps in the sources", one test per item. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { extractUriFromNameAddr, formatNameAddr, jidToSipUri, sipUriToJid } from "../../../common/src/address/index.js";
import { jidText, value } from "./helpers.js";

test("trap 1: the resource goes out as ;gr= (not '/'), inside the brackets", () => {
  const uri = value(jidToSipUri("juliet@example.com/balcony"));
  assert.equal(uri, "sip:juliet@example.com;gr=balcony");
  const from = value(formatNameAddr({ uri, params: new Map([["tag", "x1"]]) }));
  assert.equal(from, "<sip:juliet@example.com;gr=balcony>;tag=x1");
  // And gr outside the brackets is a header parameter, not the URI's.
  const header = value(extractUriFromNameAddr("<sip:juliet@example.com>;gr=balcony"));
  assert.equal(jidText(sipUriToJid(header.uri, "from")), "juliet@example.com");
});

test("trap 2: characters surfacing after decoding are escaped too (space, \" : < > @)", () => {
  assert.equal(jidText(sipUriToJid("sip:a%22b%3Ac%3Cd%3Ee%40f%20g@x.example", "ruri")), "a\\22b\\3ac\\3cd\\3ee\\40f\\20g@x.example");
  assert.equal(value(jidToSipUri("a\\22b\\3ac\\3cd\\3ee\\40f\\20g@x.example")), "sip:a%22b%3Ac%3Cd%3Ee%40f%20g@x.example");
});

test("trap 3: normative XEP-0106 backslash (c:\\net → c\\3a\\net), example form still read", () => {
  assert.equal(jidText(sipUriToJid("sip:c%3A%5Cnet@example.com", "ruri")), "c\\3a\\net@example.com");
  assert.equal(value(jidToSipUri("c\\3a\\5cnet@example.com")), "sip:c%3A%5Cnet@example.com");
  assert.equal(value(jidToSipUri("c\\3a\\net@example.com")), "sip:c%3A%5Cnet@example.com");
});

test("trap 4: RFC 7247 governs: & ' / stay unencoded in sip:, raw % becomes %25", () => {
  assert.equal(value(jidToSipUri("here\\27s_a_wild_\\26_\\2fcr%zy\\2f_address@example.com")),
    "sip:here's_a_wild_&_/cr%25zy/_address@example.com");
});

test("trap 5: im: percent-encodes '.' (RFC literal), sip: does not", () => {
  assert.equal(value(jidToSipUri("first.last@example.com", { scheme: "im" })), "im:first%2Elast@example.com");
  assert.equal(value(jidToSipUri("first.last@example.com")), "sip:first.last@example.com");
});

test("trap 6: profile is Nodeprep: ZWSP is mapped away, symbols are allowed", () => {
  assert.equal(jidText(sipUriToJid("sip:%E2%80%8Bbob@sip.example", "from")), "bob@sip.example");
  assert.equal(jidText(sipUriToJid("sip:%E2%99%9A@example.com", "ruri")), "♚@example.com");
});
