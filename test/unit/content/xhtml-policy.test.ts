/** The allow-list tables against XEP-0071 §6–7 as restated here, and the tokenizer's token shapes. */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  CSS_PROPERTIES, HREF_SCHEMES, HTML_RENAMES, XHTML_IM_ELEMENTS, XHTML_IM_NS, XHTML_NS,
} from "../../../bridge/src/mapping/content/xhtml-policy.js";
import { tokenizeHtml } from "../../../bridge/src/mapping/content/html-tokenizer.js";
import { decodeEntities } from "../../../bridge/src/mapping/content/html-entities.js";

test("namespaces (XEP-0071 §3)", () => {
  assert.equal(XHTML_IM_NS, "http://jabber.org/protocol/xhtml-im");
  assert.equal(XHTML_NS, "http://www.w3.org/1999/xhtml");
});
test("elements: Text, Hypertext, List and Image modules of the integration set", () => {
  const text = ["abbr", "acronym", "address", "blockquote", "br", "cite", "code", "dfn", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "p", "pre", "q", "samp", "span", "strong", "var"];
  const list = ["dl", "dt", "dd", "ol", "ul", "li"];
  assert.deepEqual(Object.keys(XHTML_IM_ELEMENTS).sort(), [...text, ...list, "a", "img"].sort());
});
test("the recommended profile's elements are all present (XEP-0071 §7)", () => {
  for (const e of ["a", "br", "img", "li", "ol", "p", "span", "ul"]) assert.ok(Object.hasOwn(XHTML_IM_ELEMENTS, e), e);
});
test("element-specific attributes", () => {
  assert.deepEqual(XHTML_IM_ELEMENTS.a.attrs, ["href"]);
  assert.deepEqual([...XHTML_IM_ELEMENTS.img.attrs].sort(), ["alt", "height", "src", "width"]);
  for (const [name, rule] of Object.entries(XHTML_IM_ELEMENTS)) if (name !== "a" && name !== "img") assert.deepEqual(rule.attrs, [], name);
});
test("recommended CSS properties (XEP-0071 §7)", () => {
  assert.deepEqual([...CSS_PROPERTIES].sort(), [
    "background-color", "color", "font-family", "font-size", "font-style", "font-weight", "margin-left", "margin-right", "text-align", "text-decoration",
  ]);
});
test("href schemes", () => assert.deepEqual([...HREF_SCHEMES].sort(), ["http", "https", "mailto", "sip", "xmpp"]));
test("renames only target allowed elements", () => {
  for (const [from, r] of Object.entries(HTML_RENAMES)) assert.ok(Object.hasOwn(XHTML_IM_ELEMENTS, r.to), from);
});

test("tokenizer: tags, attributes (quoted, unquoted, bare, duplicate), text, end tags", () => {
  assert.deepEqual(tokenizeHtml("a<P Class='x' id=y checked ID=z />b</p >"), [
    { kind: "text", text: "a" },
    { kind: "start", name: "p", attrs: new Map([["class", "x"], ["id", "y"], ["checked", ""]]), selfClosing: true },
    { kind: "text", text: "b" },
    { kind: "end", name: "p" },
  ]);
});
test("tokenizer: raw text is not parsed or entity-decoded", () => {
  assert.deepEqual(tokenizeHtml("<style>a&amp;<b></style>"), [
    { kind: "start", name: "style", attrs: new Map(), selfClosing: false },
    { kind: "text", text: "a&amp;<b>" },
    { kind: "end", name: "style" },
  ]);
});
test("entities: numeric forms without ;, case of hex, unknown names", () => {
  assert.equal(decodeEntities("&#65&#x41;&#X41;&AMP;&Auml;&auml;"), "AAA&AMP;Ää");
});
test("tokenizer: in an unquoted value `/` is part of the value (HTML §13.2.5.38)", () => {
  const [t] = tokenizeHtml("<a href=https://e.example/>");
  assert.ok(t?.kind === "start");
  assert.equal(t.attrs.get("href"), "https://e.example/");
  assert.equal(t.selfClosing, false);
});
