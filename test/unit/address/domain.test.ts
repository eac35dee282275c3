import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalJidDomain, jidDomainToSipHost, sipHostToJidDomain } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("sipHostToJidDomain: lower case, trailing dot stripped, A-label → U-label (RFC 7622 §3.2.1)", () => {
  assert.equal(value(sipHostToJidDomain("SIP.EXAMPLE")), "sip.example");
  assert.equal(value(sipHostToJidDomain("example.com.")), "example.com");
  assert.equal(value(sipHostToJidDomain("XN--CAF-DMA.example")), "café.example");
  assert.equal(value(sipHostToJidDomain("192.0.2.1")), "192.0.2.1");
  assert.equal(value(sipHostToJidDomain("[2001:DB8::1]")), "[2001:db8::1]");
});

test("sipHostToJidDomain: an invalid A-label is refused", () => {
  failsWith(sipHostToJidDomain("xn--abc-.example"), "uri-malformed", 400);
  failsWith(sipHostToJidDomain("xn--a.example"), "jid-malformed");
});

test("canonicalJidDomain: UTS #46 mapping to U-labels; fullwidth forms fold", () => {
  assert.equal(value(canonicalJidDomain("ＥＸＡＭＰＬＥ.com.")), "example.com");
  assert.equal(value(canonicalJidDomain("Café.Example")), "café.example");
  assert.equal(value(canonicalJidDomain("xn--caf-dma.example")), "café.example");
  assert.equal(value(canonicalJidDomain("localhost")), "localhost");
});

test("canonicalJidDomain: characters no DNS name holds are refused before node:url sees them", () => {
  for (const d of ["", ".", "ex%41mple.com", "ex/ample", "a b.com", "a_b.com", "a@b", "1.2.3", "0x7f.1", "a..b", "ex\uFF0Fample",
    "-a.com", `${"a".repeat(64)}.com`, `${"a.".repeat(127)}com`]) {
    failsWith(canonicalJidDomain(d), "jid-malformed");
  }
});

test("jidDomainToSipHost: U-labels → A-labels (docs/addresses.md JID → SIP step 4)", () => {
  assert.equal(value(jidDomainToSipHost("café.example")), "xn--caf-dma.example");
  assert.equal(value(jidDomainToSipHost("[2001:db8::1]")), "[2001:db8::1]");
  assert.equal(value(jidDomainToSipHost("example.com")), "example.com");
});
