/** htmlToXhtmlIm: XEP-0071 integration set, sanitising, plain-text rendering (RFC 7572 §7; docs/security.md). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { htmlToXhtmlIm, MAX_DEPTH } from "../../../bridge/src/mapping/content/xhtml-im.js";
import { parseStrictXml, walk } from "./xml-check.js";

const WRAP_OPEN = "<html xmlns=\"http://jabber.org/protocol/xhtml-im\"><body xmlns=\"http://www.w3.org/1999/xhtml\">";
/** The serialised content of the XHTML-IM <body/>, or null. */
const inner = (html: string): string | null => {
  const x = htmlToXhtmlIm(html).xhtml?.toString();
  if (x === undefined) return null;
  assert.ok(x.startsWith(WRAP_OPEN) && x.endsWith("</body></html>"), x);
  return x.slice(WRAP_OPEN.length, -"</body></html>".length);
};
const text = (html: string) => htmlToXhtmlIm(html).text;

describe("shape", () => {
  test("vector P11: onclick and script removed, text 'hi', xhtml <p>hi </p>", () => {
    const r = htmlToXhtmlIm("<p onclick=x()>hi <script>bad()</script></p>");
    assert.equal(r.text, "hi");
    assert.equal(inner("<p onclick=x()>hi <script>bad()</script></p>"), "<p>hi </p>");
    const html = r.xhtml!;
    assert.equal(html.name, "html");
    assert.equal(html.attrs.xmlns, "http://jabber.org/protocol/xhtml-im");
    const body = html.getChild("body")!;
    assert.equal(body.attrs.xmlns, "http://www.w3.org/1999/xhtml");
  });
  test("plain text without elements → xhtml null", () => {
    assert.deepEqual(htmlToXhtmlIm("just text &amp; more"), { text: "just text & more", xhtml: null });
    assert.equal(inner("<font color=red>x</font>"), null);
  });
  test("empty input", () => assert.deepEqual(htmlToXhtmlIm(""), { text: "", xhtml: null }));
});

describe("allow-list: kept elements", () => {
  const KEPT: readonly string[] = [
    "a", "abbr", "acronym", "address", "blockquote", "cite", "code", "dd", "dfn", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "kbd", "li", "ol", "p", "pre", "q", "samp", "span", "strong", "ul", "var",
  ];
  for (const name of KEPT) {
    test(`<${name}> is kept`, () => assert.equal(inner(`<${name}>x</${name}>`), `<${name}>x</${name}>`));
  }
  test("<br> and <img> are empty elements", () => {
    assert.equal(inner("a<br>b<br/>c</br>d"), "a<br/>b<br/>c<br/>d");
    assert.equal(inner("<img src='https://e.example/a.png' alt='A' width='10' height='20%'>"),
      '<img width="10" height="20%" src="https://e.example/a.png" alt="A"/>');
  });
});

describe("rewritten, unwrapped and dropped elements", () => {
  const REWRITES: ReadonlyArray<readonly [string, string]> = [
    ["<b>x</b>", "<strong>x</strong>"],
    ["<i>x</i>", "<em>x</em>"],
    ["<tt>x</tt>", "<code>x</code>"],
    ["<u>x</u>", '<span style="text-decoration: underline">x</span>'],
    ["<s>x</s>", '<span style="text-decoration: line-through">x</span>'],
    ["<center>x</center>", '<div style="text-align: center">x</div>'],
    ["a<hr>b", "a<br/>b"],
    ["<section>x</section>", "<div>x</div>"],
  ];
  for (const [input, expected] of REWRITES) test(`${input} → ${expected}`, () => assert.equal(inner(input), expected));

  const UNWRAPPED: readonly string[] = ["font", "small", "big", "sub", "sup", "mark", "label", "blink", "custom-tag", "html", "body", "head"];
  for (const name of UNWRAPPED) {
    test(`<${name}> is unwrapped, its text kept`, () => {
      assert.equal(inner(`<p><${name} class=c>x</${name}></p>`), "<p>x</p>");
    });
  }

  const DROPPED: readonly string[] = [
    "<script>alert(1)</script>", "<SCRIPT type=text/javascript>if (a<b) alert('</p>')</SCRIPT>", "<style>p{color:red}</style>",
    "<iframe src=//evil>fallback</iframe>", "<object data=x><param name=a value=b>fallback</object>",
    "<svg onload=alert(1)><text>t</text></svg>", "<math><mi>x</mi></math>", "<template><p>t</p></template>",
    "<noscript>ns</noscript>", "<textarea>ta</textarea>", "<select><option>o</option></select>", "<title>T</title>",
    "<button onclick=x>b</button>", "<embed src=x>", "<applet code=x>a</applet>", "<input value=x>",
    "<meta http-equiv=refresh content='0;url=javascript:x'>", "<link rel=stylesheet href=x>", "<base href=//evil/>",
  ];
  for (const input of DROPPED) {
    test(`${input.slice(0, 40)} is dropped with its content`, () => {
      const r = htmlToXhtmlIm(`<p>before</p>${input}<p>after</p>`);
      assert.equal(r.text, "before\n\nafter");
      assert.equal(inner(`<p>before</p>${input}<p>after</p>`), "<p>before</p><p>after</p>");
    });
  }
  test("form and table structure become divs", () => {
    assert.equal(inner("<form action=x><table><tr><td>a<td>b</table></form>"), "<div><div><div>a b </div></div></div>");
  });
});

describe("attributes", () => {
  test("every on* handler is dropped", () => {
    for (const ev of ["onclick", "onload", "onerror", "onmouseover", "ONFOCUS", "onanimationstart"]) {
      assert.equal(inner(`<span ${ev}="alert(1)">x</span>`), "<span>x</span>", ev);
    }
  });
  test("class, id, lang, dir, data-* are dropped; title kept", () => {
    assert.equal(inner('<p class="c" id="i" lang="en" dir="rtl" data-x="1" title=" T\n ">x</p>'), '<p title="T">x</p>');
  });
  const HREFS: ReadonlyArray<readonly [string, string | null]> = [
    ["https://example.com/a?b=1&c=2", "https://example.com/a?b=1&amp;c=2"],
    ["http://example.com/", "http://example.com/"],
    ["mailto:juliet@example.com", "mailto:juliet@example.com"],
    ["xmpp:juliet@example.com?message", "xmpp:juliet@example.com?message"],
    ["sip:romeo@example.net", "sip:romeo@example.net"],
    ["  HTTPS://example.com  ", "HTTPS://example.com"],
    ["javascript:alert(1)", null],
    ["JaVaScRiPt:alert(1)", null],
    ["java\tscript:alert(1)", null],
    ["java&#x09;script:alert(1)", null],
    ["&#106;avascript:alert(1)", null],
    [" \u0001javascript:alert(1)", null],
    ["vbscript:x", null],
    ["data:text/html,<script>alert(1)</script>", null],
    ["file:///etc/passwd", null],
    ["/relative/path", null],
    ["//evil.example/", null],
    ["https://exa mple.com/", null],
  ];
  for (const [href, kept] of HREFS) {
    test(`href ${JSON.stringify(href)} → ${kept ?? "dropped"}`, () => {
      assert.equal(inner(`<a href="${href}">x</a>`), kept === null ? "<a>x</a>" : `<a href="${kept}">x</a>`);
    });
  }
  const SRCS: ReadonlyArray<readonly [string, boolean]> = [
    ["https://example.com/a.png", true],
    ["data:image/png;base64,iVBORw0KGgo=", true],
    ["data:image/svg+xml;base64,PHN2Zz4=", false],
    ["data:text/html;base64,PHNjcmlwdD4=", false],
    ["javascript:alert(1)", false],
    ["x", false],
    ["ftp://example.com/a.png", false],
  ];
  for (const [src, kept] of SRCS) {
    test(`img src ${src.slice(0, 30)} → ${kept ? "kept" : "image dropped, alt kept"}`, () => {
      const r = htmlToXhtmlIm(`<img src="${src}" alt="pic" onerror="alert(1)">`);
      assert.equal(r.text, "pic");
      if (kept) assert.equal(r.xhtml?.getChild("body")?.getChild("img")?.attrs.src, src);
      else assert.equal(r.xhtml, null);
    });
  }
  test("img width/height: numbers, percentages, px tolerated, junk dropped", () => {
    assert.equal(inner("<img src=https://e.example/i width=12px height=\"50%\">"), '<img width="12" height="50%" src="https://e.example/i"/>');
    assert.equal(inner("<img src=https://e.example/i width='expression(1)' height=-3>"), '<img src="https://e.example/i"/>');
  });
});

describe("style attribute (XEP-0071 §7 recommended CSS)", () => {
  const STYLES: ReadonlyArray<readonly [string, string | null]> = [
    ["color: red", "color: red"],
    ["COLOR:Red;font-weight:bold", "color: Red; font-weight: bold"],
    ["color: rgb(1, 2, 3); background-color: #fff", "color: rgb(1, 2, 3); background-color: #fff"],
    ["font-family: 'Times New Roman', serif; font-size: 12pt; font-style: italic", "font-family: 'Times New Roman', serif; font-size: 12pt; font-style: italic"],
    ["margin-left: 1em; margin-right: 2px; text-align: center; text-decoration: underline", "margin-left: 1em; margin-right: 2px; text-align: center; text-decoration: underline"],
    ["position: absolute; top: 0", null],
    ["background: url(javascript:alert(1))", null],
    ["background-color: url(http://evil/x.png)", null],
    ["color: expression(alert(1))", null],
    ["width: expression(alert(1))", null],
    ["color: red\\;position:fixed", null],
    ["color: re/**/d", null],
    ["color: \\72 ed", null],
    ["font-family: x; behavior: url(x.htc)", "font-family: x"],
    ["-moz-binding: url(x)", null],
    ["color: red; color: <script>", "color: red"],
    ["color: var(--x)", null],
    ["color: rgb(1,2", null],
    ["font-family: \"unbalanced", null],
    ["", null],
  ];
  for (const [style, kept] of STYLES) {
    test(`style ${JSON.stringify(style)} → ${kept ?? "dropped"}`, () => {
      assert.equal(inner(`<span style="${style.replace(/"/g, "&quot;")}">x</span>`), kept === null ? "<span>x</span>" : `<span style="${kept.replace(/'/g, "&apos;")}">x</span>`);
    });
  }
});

describe("entities and characters", () => {
  test("named and numeric references are decoded and re-escaped", () => {
    assert.equal(text("a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos; &nbsp;e &copy; &#65;&#x42;&#x1F600;"), "a <b> & \"c\" 'd' \u00a0e © AB😀");
    assert.equal(inner("<p>&lt;script&gt;</p>"), "<p>&lt;script&gt;</p>");
  });
  test("unknown entities stay literal; legacy &amp without ; is decoded", () => {
    assert.equal(text("&bogus; &amp x &ampy"), "&bogus; & x &ampy");
  });
  test("references to NUL, surrogates and out-of-range become U+FFFD; C0 controls are removed", () => {
    assert.equal(text("a&#0;b&#xD800;c&#x110000;d&#1;e&#x1F;f"), "a\ufffdb\ufffdc\ufffddef");
  });
  test("raw NUL and other forbidden characters are removed from text and attributes", () => {
    const r = htmlToXhtmlIm("<p title='t\u0000i'>a\u0000b\u000bc\uFFFEd\uD800e</p>");
    assert.equal(r.text, "abcde");
    assert.equal(r.xhtml?.getChild("body")?.getChild("p")?.attrs.title, "ti");
  });
});

describe("tolerant parsing", () => {
  test("unclosed tags are closed at the end", () => {
    assert.equal(inner("<p><strong>bold <em>both"), "<p><strong>bold <em>both</em></strong></p>");
  });
  test("stray and mismatched end tags are ignored", () => {
    assert.equal(inner("</div>a</span><em>b</strong>c</em>"), "a<em>bc</em>");
  });
  test("misnested inline elements close in stack order", () => {
    assert.equal(inner("<strong>a<em>b</strong>c</em>"), "<strong>a<em>b</em></strong>c");
  });
  test("<p> and <li> close implicitly", () => {
    assert.equal(inner("<p>a<p>b<ul><li>1<li>2</ul>"), "<p>a</p><p>b</p><ul><li>1</li><li>2</li></ul>");
  });
  test("a tag cut off at the end is dropped", () => {
    assert.equal(htmlToXhtmlIm("hi <a href='x").text, "hi");
    assert.equal(htmlToXhtmlIm("hi <span").text, "hi");
  });
  test("comments, doctype, CDATA and processing instructions vanish", () => {
    assert.equal(text("<!DOCTYPE html><!-- <script>x</script> -->a<![CDATA[b]]>c<?php echo 1 ?>d<!-->e"), "acde");
  });
  test("a lone < and > are text", () => assert.equal(text("1 < 2 > 0 <3"), "1 < 2 > 0 <3"));
  test("an unterminated script swallows the rest", () => assert.equal(text("ok<script>alert(1)"), "ok"));
  test("a script end tag hidden in a string still ends the script (as in browsers)", () => {
    assert.equal(text("<script>var s='</script>shown'</script>"), "shown'");
  });
  test("deep nesting is capped: elements deeper than MAX_DEPTH are unwrapped, text kept", () => {
    const n = 10000;
    const r = htmlToXhtmlIm("<span>".repeat(n) + "deep" + "</span>".repeat(n));
    assert.equal(r.text, "deep");
    let depth = 0;
    for (let el = r.xhtml?.getChild("body")?.getChild("span"); el; el = el.getChild("span")) depth++;
    assert.equal(depth, MAX_DEPTH);
    parseStrictXml(r.xhtml!.toString());
  });
  test("deeply nested unknown and dropped elements do not blow the stack", () => {
    const r = htmlToXhtmlIm("<x>".repeat(20000) + "t" + "<svg>".repeat(20000) + "hidden");
    assert.equal(r.text, "t");
  });
});

describe("plain-text rendering", () => {
  const RENDER: ReadonlyArray<readonly [string, string]> = [
    ["  hello \n\t world  ", "hello world"],
    ["a<br>b", "a\nb"],
    ["<p>one</p><p>two</p>", "one\n\ntwo"],
    ["<div>one</div><div>two</div>", "one\ntwo"],
    ["<ul><li>a</li><li>b</li></ul>", "- a\n- b"],
    ["<ol><li>a<li>b<li>c</ol>", "1. a\n2. b\n3. c"],
    ["<pre>  x\n    y</pre>", "x\n    y"],
    ["<a href='https://e.example/'>site</a>", "site (https://e.example/)"],
    ["<a href='https://e.example/'>https://e.example/</a>", "https://e.example/"],
    ["<a href='mailto:j@e.example'>j@e.example</a>", "j@e.example"],
    ["<a href='https://e.example/'></a>", "https://e.example/"],
    ["<a href='javascript:x'>click</a>", "click"],
    ["<img src='https://e.example/i.png'>", "https://e.example/i.png"],
    ["<h1>Title</h1>body", "Title\n\nbody"],
    ["<table><tr><td>a</td><td>b</td></tr><tr><td>c</td></tr></table>", "a b\nc"],
    ["<p>a</p><br><br><br><p>b</p>", "a\n\nb"],
  ];
  for (const [html, expected] of RENDER) test(`${JSON.stringify(html)} → ${JSON.stringify(expected)}`, () => assert.equal(text(html), expected));
});

// Inputs that would make a backtracking or quadratic parser crawl (bench/mapping.bench.ts times them).
const PATHOLOGICAL_HTML = ["<".repeat(60_000), "<a ".repeat(20_000), "</x>".repeat(15_000), "<p><table>" + "<div>".repeat(12_000), "<script>".repeat(7_000), "&#".repeat(30_000), "<!--".repeat(15_000)];

describe("large input", () => {
  // How fast these run is measured by bench/mapping.bench.ts (`npm run bench:mapping`), not asserted here.
  test("a 60 KB body of mixed markup is handled and stays well-formed", () => {
    const chunk = "<p class=x onclick='y()'>Hello <b>world</b> &amp; <a href='https://e.example/?a=1&b=2'>link</a><script>bad()</script><br></p>";
    const html = chunk.repeat(Math.ceil(60_000 / chunk.length));
    const r = htmlToXhtmlIm(html);
    assert.ok(r.text.startsWith("Hello world & link (https://e.example/?a=1&b=2)"));
    assert.ok(!r.text.includes("bad()"));
    const tree = parseStrictXml(r.xhtml!.toString());
    for (const el of walk(tree)) assert.ok(!el.attrs.has("onclick") && !el.attrs.has("class"));
  });
  test("60 KB of pathological markup is handled: no exception, a text body, well-formed XHTML", () => {
    for (const html of PATHOLOGICAL_HTML) {
      const r = htmlToXhtmlIm(html);
      assert.equal(typeof r.text, "string", html.slice(0, 12));
      if (r.xhtml) parseStrictXml(r.xhtml.toString());
    }
  });
});
