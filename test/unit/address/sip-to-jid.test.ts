/** docs/addresses.md "SIP → JID" (RFC 7247 §6.4 + completions), sips:, parameters and canonical identities; one test per step. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { nodeprep, sipUriToJid, sipUserToLocalpart, SIPS_WARNING } from "../../../common/src/address/index.js";
import { failsWith, jidText, value } from "./helpers.js";

test("SIP → JID step 1: sip, im, pres accepted in any case", () => {
  for (const uri of ["sip:juliet@example.com", "SIP:juliet@example.com", "im:juliet@example.com", "Pres:juliet@example.com"]) {
    assert.equal(jidText(sipUriToJid(uri, "ruri")), "juliet@example.com");
  }
});

test("SIP → JID step 1, sips: (RFC 7247 §8): Request-URI or To → 480 with Warning 380; never translated", () => {
  for (const ctx of ["ruri", "to"] as const) {
    const f = failsWith(sipUriToJid("sips:juliet@example.com", ctx), "sips-not-allowed", 480);
    assert.equal(f.warning, SIPS_WARNING);
    assert.equal(f.warning, '380 stox "SIPS Not Allowed"');
  }
});

test("SIP → JID step 1: sips: in From maps normally (S35)", () => {
  assert.equal(jidText(sipUriToJid("sips:romeo@example.net", "from")), "romeo@example.net");
});

test("SIP → JID step 1: tel: and other schemes → 416", () => {
  for (const uri of ["tel:+15551234567", "mailto:a@example.com", "http://example.com/"]) {
    failsWith(sipUriToJid(uri, "ruri"), "unsupported-scheme", 416);
  }
});

test("SIP → JID step 2: ?headers stripped, params split off, password → 400, no user → 404", () => {
  assert.equal(jidText(sipUriToJid("sip:alice@example.com?subject=x", "ruri")), "alice@example.com");
  failsWith(sipUriToJid("sip:alice:secret@example.com", "ruri"), "uri-password", 400);
  failsWith(sipUriToJid("sip:example.com", "ruri"), "uri-no-user", 404);
});

test("SIP → JID step 3: percent-decode; a bad % → 400", () => {
  assert.equal(jidText(sipUriToJid("sip:%23hash@sip.example", "ruri")), "#hash@sip.example");
  failsWith(sipUriToJid("sip:bad%zzuser@example.com", "ruri"), "uri-malformed", 400);
});

test("SIP → JID step 4: invalid UTF-8 → 400 jid-malformed", () => {
  const f = failsWith(sipUriToJid("sip:%FF%FE@example.com", "ruri"), "jid-malformed", 400);
  assert.equal(f.xmpp, "jid-malformed");
});

test("SIP → JID step 5: a backslash starting an escape sequence becomes \\5c", () => {
  assert.equal(jidText(sipUriToJid("sip:%5C27@example.com", "ruri")), "\\5c27@example.com");
  assert.equal(jidText(sipUriToJid("sip:foo%5Cbar@example.com", "ruri")), "foo\\bar@example.com");
});

test("SIP → JID step 5: the nine characters are escaped (lower-case hex)", () => {
  assert.equal(jidText(sipUriToJid("sip:o'malley@sip.example", "ruri")), "o\\27malley@sip.example");
  assert.equal(jidText(sipUriToJid("sip:m&m@xmpp.example", "ruri")), "m\\26m@xmpp.example");
  assert.equal(jidText(sipUriToJid("sip:a/b@sip.example", "ruri")), "a\\2fb@sip.example");
  assert.equal(value(sipUriToJid("sip:x%20%22%3A%3C%3E%40x@example.com", "ruri")).local, "x\\20\\22\\3a\\3c\\3e\\40x");
});

test("SIP → JID step 6: \\20 at the start or end → 400", () => {
  failsWith(sipUriToJid("sip:%20alice@example.com", "ruri"), "jid-malformed", 400);
  failsWith(sipUriToJid("sip:alice%20@example.com", "ruri"), "jid-malformed", 400);
  failsWith(sipUriToJid("sip:%E3%80%80alice@example.com", "ruri"), "jid-malformed", 400);
  assert.equal(jidText(sipUriToJid("sip:a%20b@example.com", "ruri")), "a\\20b@example.com");
});

test("SIP → JID step 6: Nodeprep (Prosody's profile); prohibited output → 400", () => {
  assert.equal(jidText(sipUriToJid("sip:Alice@example.com", "ruri")), "alice@example.com");
  failsWith(sipUriToJid("sip:a%00b@example.com", "ruri"), "jid-malformed", 400);
  failsWith(sipUriToJid("sip:a%EF%BC%8Fb@sip.example", "ruri"), "jid-malformed", 400);
});

test("SIP → JID step 6: Nodeprep may not merge or invent XEP-0106 escapes", () => {
  failsWith(sipUriToJid("sip:%EF%BC%BC2f@example.com", "ruri"), "jid-malformed", 400); // ＼2f → \2f would be '/'
  failsWith(sipUriToJid("sip:%3A%CC%81@example.com", "ruri"), "jid-malformed", 400); // \3a + U+0301 → \3á
  failsWith(sipUriToJid("sip:%5C2%E2%80%8Bf@example.com", "ruri"), "jid-malformed", 400); // \2 ZWSP f → \2f
  assert.equal(value(sipUserToLocalpart("\\2F")), "\\5c2f", "upper-case hex is escaped before Nodeprep folds it");
  assert.equal(value(sipUserToLocalpart("<\u0338")), "\\3c\u0338", "a mark after an escape that does not compose is fine");
});

test("SIP → JID step 7: host lower-cased, trailing dot stripped, A-label → U-label", () => {
  assert.equal(jidText(sipUriToJid("sip:juliet@XN--CAF-DMA.example.", "ruri")), "juliet@café.example");
});

test("SIP → JID step 8 (RFC 7247 §6.3): gr → resource, %-decoded, case kept, Resourceprep'ed", () => {
  assert.equal(jidText(sipUriToJid("sip:foo@sip.example;gr=bar", "from")), "foo@sip.example/bar");
  assert.equal(jidText(sipUriToJid("sip:foo@sip.example;gr=my%20Phone", "from")), "foo@sip.example/my Phone");
  assert.equal(jidText(sipUriToJid("sip:foo@sip.example;gr=a+b", "from")), "foo@sip.example/a+b");
  assert.equal(jidText(sipUriToJid("sip:foo@sip.example;gr=%E2%80%8Bx", "from")), "foo@sip.example/x");
  failsWith(sipUriToJid("sip:foo@sip.example;gr=%00", "from"), "jid-malformed", 400);
  failsWith(sipUriToJid("sip:foo@sip.example;gr=%C2%AD", "from"), "jid-malformed", 400);
});

test("SIP → JID step 8 (RFC 7247 §6.3): a bare gr is a temporary GRUU → bare JID", () => {
  assert.deepEqual(value(sipUriToJid("sip:alice@example.com;gr", "from")), { local: "alice", domain: "example.com" });
});

test("SIP → JID steps 7–8: every other URI parameter and the port are dropped", () => {
  assert.equal(jidText(sipUriToJid("sip:alice@example.com:5061;transport=tcp;lr;maddr=192.0.2.1;ttl=5;method=MESSAGE;x=y", "ruri")), "alice@example.com");
});

test("user=phone (docs/addresses.md): the literal user is mapped", () => {
  assert.equal(jidText(sipUriToJid("sip:+1-555-123.4567@gw.example;user=phone", "ruri")), "+1-555-123.4567@gw.example");
});

test("canonical identities (docs/security.md): confusable user parts map onto one localpart", () => {
  for (const user of ["Alice", "ALICE", "%EF%BC%A1lice", "alice%E2%80%8B", "al%C2%ADice"]) {
    assert.equal(value(sipUriToJid(`sip:${user}@sip.example`, "from")).local, "alice");
  }
  // What the strict policy needs: whether the user part changed under canonicalisation.
  assert.notEqual(value(nodeprep("Alice")), "Alice");
  assert.equal(value(nodeprep("alice")), "alice");
});
