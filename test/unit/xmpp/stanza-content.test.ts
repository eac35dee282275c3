/**
 * Only `<body/>`, `<subject/>`, `<thread/>` in the stanza's own namespace
 * (jabber:client, or jabber:server on s2s) are its content (RFC 6120 §4.8.3,
 * RFC 6121 §5.2); an element of the same name in another namespace is an
 * extension payload and is never read as the message.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import xml from "@xmpp/xml";
import { contentChildText, contentChildren, namespaceOf } from "../../../common/src/xmpp/stanza-content.js";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";

const parse = (text: string) => {
  const r = parseStanza(text);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
};
const bodies = (text: string) => contentChildren(parse(text), "body").map((b) => b.text());

test("no namespace declared: the stream default, jabber:client, for the stanza and its children", () => {
  const s = parse("<message><body>a</body></message>");
  assert.equal(namespaceOf(s), "jabber:client");
  assert.equal(namespaceOf(s.getChild("body")!), "jabber:client");
  assert.deepEqual(bodies("<message><body>a</body></message>"), ["a"]);
});

test("explicit jabber:client on the stanza or on the body is the same namespace", () => {
  assert.deepEqual(bodies("<message xmlns='jabber:client'><body>a</body></message>"), ["a"]);
  assert.deepEqual(bodies("<message><body xmlns='jabber:client'>a</body></message>"), ["a"]);
  assert.deepEqual(bodies("<message xmlns='jabber:client'><c:body xmlns:c='jabber:client'>a</c:body></message>"), ["a"]);
});

test("an s2s stanza (jabber:server) has its content in jabber:server", () => {
  assert.deepEqual(bodies("<message xmlns='jabber:server'><body>a</body></message>"), ["a"]);
  assert.deepEqual(bodies("<message xmlns='jabber:server'><body xmlns='jabber:client'>a</body></message>"), []);
});

test("<body xmlns='urn:other'/> is never the body, wherever it stands", () => {
  assert.deepEqual(bodies("<message><body xmlns='urn:other'>evil</body></message>"), []);
  assert.deepEqual(bodies("<message><body xmlns='urn:other'>evil</body><body>real</body></message>"), ["real"]);
  assert.deepEqual(bodies("<message><o:body xmlns:o='urn:other'>evil</o:body><body>real</body></message>"), ["real"]);
});

test("xmlns='' takes the body out of every namespace; an undeclared prefix is no namespace either", () => {
  assert.deepEqual(bodies("<message><body xmlns=''>evil</body></message>"), []);
  assert.deepEqual(bodies("<message><x:body>evil</x:body></message>"), []);
});

test("a stanza outside jabber:client / jabber:server has no content at all", () => {
  assert.deepEqual(bodies("<message xmlns='urn:evil'><body>a</body></message>"), []);
});

test("subject and thread follow the same rule", () => {
  const s = parse("<message><subject xmlns='urn:x'>no</subject><subject>yes</subject><thread xmlns='urn:x'>t-no</thread><thread>t-yes</thread></message>");
  assert.equal(contentChildText(s, "subject"), "yes");
  assert.equal(contentChildText(s, "thread"), "t-yes");
  assert.equal(contentChildText(parse("<message><thread xmlns='urn:x'>t</thread></message>"), "thread"), undefined);
});

test("stanzas built in code (no parent, no xmlns) read the same way", () => {
  const s = xml("message", {}, xml("body", { xmlns: "urn:other" }, "x"), xml("body", {}, "y"));
  assert.deepEqual(contentChildren(s, "body").map((b) => b.text()), ["y"]);
});
