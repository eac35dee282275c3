/**
 * Property: for any input, htmlToXhtmlIm does not throw, and its output
 * serialises to well-formed XML holding only allow-listed elements and
 * attributes, safe URLs and recommended CSS (XEP-0071 §7, §11; docs/security.md).
 * The allow-list is restated here, independently of xhtml-policy.ts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Parser } from "@xmpp/xml";
import { htmlToXhtmlIm } from "../../../bridge/src/mapping/content/xhtml-im.js";
import { parseStrictXml, walk, type XNode } from "./xml-check.js";

const ELEMENTS = new Set([
  "a", "abbr", "acronym", "address", "blockquote", "br", "cite", "code", "dd", "dfn", "div", "dl", "dt", "em",
  "h1", "h2", "h3", "h4", "h5", "h6", "img", "kbd", "li", "ol", "p", "pre", "q", "samp", "span", "strong", "ul", "var",
]);
const ATTRS: Record<string, readonly string[]> = { a: ["href"], img: ["src", "alt", "width", "height"] };
const CSS = new Set(["background-color", "color", "font-family", "font-size", "font-style", "font-weight", "margin-left", "margin-right", "text-align", "text-decoration"]);

const PIECES = [
  "<p>", "</p>", "<br>", "<br/>", "</br>", "<b>", "</b>", "<i>", "<span style='color:red;position:absolute'>", "</span>",
  "<script>", "</script>", "<style>", "</style>", "<a href='javascript:alert(1)'>", "<a href=\"https://x.example/?a=1&b=2\">", "</a>",
  "<img src=x onerror=alert(1)>", "<img src='data:image/png;base64,AAAA' alt='\"q\"'>", "<div onclick=\"x()\">", "</div>",
  "<ul><li>", "<ol>", "<li>", "</ul>", "<table><tr><td>", "<svg>", "</svg>", "<!--", "-->", "<!DOCTYPE html>", "<![CDATA[", "]]>",
  "<", ">", "&", "&amp;", "&#0;", "&#x1F600;", "&#xD800;", "&lt;", "\u0000", "\u000b", "\uFFFE", "\uD800", "\uDC00", "😀",
  "<pre>", "</pre>", "<p title='a\u0001b' style=\"font-family: 'x'; color: expression(1)\">", "\"", "'", "=", " ", "\n",
  "<em", "<strong>", "</strong>", "<x:y xmlns:x='u'>", "<p xmlns='evil'>", "<body xmlns='x'>", "<html>", "<a href='xmpp:a@b'>",
];
const htmlish = fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 8 }), fc.string({ unit: "binary", maxLength: 4 })), { maxLength: 60 }).map((a) => a.join(""));

function checkTree(root: XNode): void {
  assert.equal(root.name, "html");
  assert.deepEqual([...root.attrs], [["xmlns", "http://jabber.org/protocol/xhtml-im"]]);
  assert.equal(root.children.length, 1);
  const body = root.children[0] as XNode;
  assert.equal(body.name, "body");
  assert.deepEqual([...body.attrs], [["xmlns", "http://www.w3.org/1999/xhtml"]]);
  for (const el of walk(body)) {
    if (el === body) continue;
    assert.ok(ELEMENTS.has(el.name), `element ${el.name}`);
    for (const [name, value] of el.attrs) {
      assert.ok(name === "style" || name === "title" || (ATTRS[el.name] ?? []).includes(name), `${el.name}@${name}`);
      if (name === "href") assert.match(value, /^(https?|mailto|xmpp|sip):/i);
      if (name === "src") assert.match(value, /^(https?:\/\/|data:image\/(png|gif|jpeg|webp);base64,)/i);
      if (name === "style") {
        for (const decl of value.split("; ")) {
          const prop = decl.slice(0, decl.indexOf(":"));
          assert.ok(CSS.has(prop), `css ${prop}`);
          assert.doesNotMatch(decl, /url\(|expression|\\|javascript/i);
        }
      }
    }
  }
}

function ltxParses(s: string): void {
  const p = new Parser();
  let error: unknown;
  let ended = false;
  p.on("error", (e: unknown) => (error = e));
  p.on("end", () => (ended = true));
  p.write(s);
  p.end();
  assert.equal(error, undefined);
  assert.ok(ended, "ltx saw the root element end");
}

test("property: never throws; output is well-formed XML with allow-listed names only", () => {
  fc.assert(
    fc.property(fc.oneof(htmlish, fc.string({ unit: "binary", maxLength: 200 })), (input) => {
      const r = htmlToXhtmlIm(input);
      assert.equal(typeof r.text, "string");
      assert.doesNotMatch(r.text, /[\u0000-\u0008\u000b\u000c\u000e-\u001f\uFFFE\uFFFF]/);
      if (r.xhtml === null) return;
      const xmlText = r.xhtml.toString();
      checkTree(parseStrictXml(xmlText));
      ltxParses(xmlText);
    }),
    { numRuns: 2000 },
  );
});

/** Complete constructs only: the tokenizer is back in the text state after each one. */
const COMPLETE = ["<p>", "</p>", "<br>", "<b>x</b>", "<a href='https://e.example/'>l</a>", "<ul><li>i", "</ul>", "<!-- c -->",
  "<style>s{}</style>", "<img src=x alt=y>", "<div title=\"t\">", "</div>", "text", " ", "&amp;", "&lt;", "1 > 0"];
const complete = fc.array(fc.constantFrom(...COMPLETE), { maxLength: 20 }).map((a) => a.join(""));

test("property: script bodies and handler code never reach the text or the XHTML", () => {
  fc.assert(
    fc.property(complete, complete, (a, b) => {
      const r = htmlToXhtmlIm(`${a}<script>SECRET_SCRIPT()</script><p onclick="SECRET_HANDLER()">${b}<span onmouseover='SECRET_2()'>x</span>`);
      const all = r.text + (r.xhtml?.toString() ?? "");
      assert.doesNotMatch(all, /SECRET/);
    }),
    { numRuns: 1000 },
  );
});
