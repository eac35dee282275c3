/** docs/addresses.md "Limits" (RFC 7622 §3.1–3.4) and the SIP URI output cap. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { jidToSipUri, parseJid, SIP_URI_OUTPUT_MAX, sipUriToJid } from "../../../common/src/address/index.js";
import { failsWith, value } from "./helpers.js";

test("limits: each JID part is 1..1023 octets, measured as UTF-8 after canonicalisation", () => {
  assert.equal(value(sipUriToJid(`sip:${"A".repeat(1023)}@x.example`, "ruri")).local, "a".repeat(1023));
  failsWith(sipUriToJid(`sip:${"a".repeat(1024)}@x.example`, "ruri"), "jid-malformed", 400);
  // 341 × 'ü' = 682 octets fine; 512 × 'ü' = 1024 octets too long.
  assert.ok(value(sipUriToJid(`sip:${"%C3%BC".repeat(341)}@x.example`, "ruri")));
  failsWith(sipUriToJid(`sip:${"%C3%BC".repeat(512)}@x.example`, "ruri"), "jid-malformed");
  failsWith(sipUriToJid(`sip:a@x.example;gr=${"r".repeat(1024)}`, "from"), "jid-malformed");
});

test("limits: escaping counts toward the limit (each '&' becomes three octets)", () => {
  assert.ok(value(sipUriToJid(`sip:${"&".repeat(341)}@x.example`, "ruri")));
  failsWith(sipUriToJid(`sip:${"&".repeat(342)}@x.example`, "ruri"), "jid-malformed");
});

test("limits: split on '@' and '/' before canonicalising; fullwidth ／ then fails Nodeprep", () => {
  failsWith(parseJid("a\uFF0Fb@example.com"), "jid-malformed");
  assert.equal(value(parseJid("a@example.com/x\uFF0Fy")).resource, "x/y");
  failsWith(parseJid("a\uFF20b@example.com"), "jid-malformed", 400);
});

test("limits: a generated SIP URI longer than 1024 characters is refused", () => {
  assert.equal(SIP_URI_OUTPUT_MAX, 1024);
  const longLocal = "ü".repeat(200); // 400 octets → 1200 characters once percent-encoded
  failsWith(jidToSipUri(`${longLocal}@example.com`), "jid-malformed", 400);
  assert.equal(value(jidToSipUri(`${"a".repeat(1000)}@example.com`)).length, 1016);
  assert.equal(value(jidToSipUri(`${"a".repeat(1000)}@example.com/r`, { withGruu: false })).length, 1016);
});
