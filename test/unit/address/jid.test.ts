import { test } from "node:test";
import assert from "node:assert/strict";
import { bareJid, canonicalJid, formatJid, parseJid } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("parseJid: resource after the FIRST '/', local before the first '@' of the rest (RFC 7622 §3.1)", () => {
  assert.deepEqual(value(parseJid("juliet@example.com/balcony/a@b")), { local: "juliet", domain: "example.com", resource: "balcony/a@b" });
  assert.deepEqual(value(parseJid("a/b@example.com")), { local: "", domain: "a", resource: "b@example.com" });
});

test("parseJid: canonical parts (nodeprep, lower-case U-label domain, resourceprep)", () => {
  assert.deepEqual(value(parseJid("Juliet@Example.COM./Balcony")), { local: "juliet", domain: "example.com", resource: "Balcony" });
  assert.deepEqual(value(parseJid("juliet@xn--caf-dma.example")), { local: "juliet", domain: "café.example" });
});

test("parseJid: domain-only JIDs parse with an empty local", () => {
  assert.deepEqual(value(parseJid("example.com")), { local: "", domain: "example.com" });
  assert.deepEqual(value(parseJid("example.com/r")), { local: "", domain: "example.com", resource: "r" });
});

test("parseJid: empty parts are jid-malformed (X31 and RFC 7622 §3.3/§3.4)", () => {
  for (const j of ["@example.com", "a@", "a@example.com/", "", "/r", "\u00AD@example.com", "a@example.com/\u200B"]) {
    failsWith(parseJid(j), "jid-malformed", 400);
  }
});

test("parseJid: characters a localpart may not hold are jid-malformed (B12: x&y)", () => {
  for (const j of ["x&y@example.com", "a'b@example.com", "a:b@example.com", "a<b@example.com", "a b@example.com", "a@b@example.com"]) {
    const f = failsWith(parseJid(j), "jid-malformed", 400);
    assert.equal(f.xmpp, "jid-malformed");
    assert.equal(f.type, "modify");
  }
});

test("parseJid: each part is 1..1023 octets (RFC 7622 §3.1)", () => {
  assert.equal(value(parseJid(`${"a".repeat(1023)}@example.com/${"r".repeat(1023)}`)).local.length, 1023);
  failsWith(parseJid(`${"a".repeat(1024)}@example.com`), "jid-malformed");
  failsWith(parseJid(`a@example.com/${"r".repeat(1024)}`), "jid-malformed");
  failsWith(parseJid(`a@${"d".repeat(1024)}`), "jid-malformed");
});

test("formatJid and bareJid", () => {
  assert.equal(formatJid({ local: "a", domain: "b.example", resource: "r/s" }), "a@b.example/r/s");
  assert.equal(formatJid({ local: "", domain: "b.example" }), "b.example");
  assert.deepEqual(bareJid({ local: "a", domain: "b", resource: "r" }), { local: "a", domain: "b" });
});

test("canonicalJid re-checks parts built elsewhere", () => {
  assert.deepEqual(value(canonicalJid({ local: "Bob", domain: "EXAMPLE.com" })), { local: "bob", domain: "example.com" });
  failsWith(canonicalJid({ local: "x@evil", domain: "example.com" }), "jid-malformed");
  failsWith(canonicalJid({ local: "x", domain: "example.com/evil" }), "jid-malformed");
});
