/**
 * text/html → XHTML-IM + plain text (RFC 7572 §7, XEP-0071; docs/content.md).
 *
 * The HTML is tokenized (html-tokenizer.ts), every element is checked against
 * the allow-list (xhtml-policy.ts) and the result is built only with
 * `@xmpp/xml` elements, never by string concatenation:
 * allowed elements are kept with filtered attributes; common presentational
 * HTML is rewritten into the set (b→strong, table→div, …); scripts, styles,
 * embedded content and form controls are dropped with their content; any
 * other element is unwrapped and its text kept. Browser-like repair: `<p>`
 * and `<li>` close implicitly, stray end tags are ignored, unclosed elements
 * close at the end. Output nesting is capped (deeper elements are unwrapped).
 *
 * `text` is the plain rendering XEP-0071 §4 requires in `<body/>`: whitespace
 * collapsed (kept in `<pre>`), line breaks for br and blocks, list markers,
 * link targets in parentheses, image alt text. `xhtml` is null when nothing
 * but text survived (the plain body already says it all).
 */
import xml, { type Element } from "@xmpp/xml";
import { tokenizeHtml, type HtmlToken } from "./html-tokenizer.js";
import { stripXmlForbidden } from "./xml-chars.js";
import { PlainText } from "./plain-text.js";
import {
  CELL_ELEMENTS, DROP_WITH_CONTENT, HTML_RENAMES, VOID_ELEMENTS, XHTML_IM_ELEMENTS, XHTML_IM_NS, XHTML_NS,
  filterStyle, safeHref, safeImgSrc, safeLength, safeText, type XhtmlImElement,
} from "./xhtml-policy.js";

export interface XhtmlIm {
  readonly text: string;
  /** `<html xmlns='…/xhtml-im'><body xmlns='…/1999/xhtml'>…</body></html>`, or null. */
  readonly xhtml: Element | null;
}

/** Deepest nesting of emitted elements below `<body/>`; ltx serialises recursively. */
export const MAX_DEPTH = 32;
/** Most elements emitted in one message. */
export const MAX_ELEMENTS = 5000;
/** Most open source elements tracked; bounds the implicit-close scans. */
const MAX_OPEN = 512;

/** Start tags that close an open `<p>` (HTML §13.2.6.4.7). */
const CLOSES_P = new Set([
  "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl", "dd", "dt",
  "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
  "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "ul",
]);
const SCOPE = ["caption", "html", "table", "td", "th", "marquee", "template"];
const P_SCOPE = new Set(SCOPE);
const LI_SCOPE = new Set([...SCOPE, "ul", "ol"]);
const DEF_SCOPE = new Set([...SCOPE, "dl"]);
const TABLE_SCOPE = new Set(["html", "table", "template"]);
const PARAGRAPHS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6"]);

type Rename = { readonly to: XhtmlImElement; readonly style?: string };

interface Open {
  readonly name: string;
  readonly target: XhtmlImElement | undefined;
  readonly el: Element | null;
  readonly textMark: number;
  readonly href?: string;
  listCounter: number;
}

/** `htmlToXhtmlIm("<p onclick=x()>hi <script>bad()</script></p>")` → text "hi", xhtml `<p>hi </p>` in the wrapper. */
export function htmlToXhtmlIm(html: string): XhtmlIm {
  const body = xml("body", { xmlns: XHTML_NS });
  const b = new Builder(body);
  for (const token of tokenizeHtml(html)) b.token(token);
  b.finish();
  return { text: b.text.result(), xhtml: b.emitted > 0 ? xml("html", { xmlns: XHTML_IM_NS }, body) : null };
}

class Builder {
  readonly text = new PlainText();
  emitted = 0;
  private readonly stack: Open[] = [];
  private readonly counts = new Map<string, number>();
  private dropping: { name: string; depth: number } | null = null;
  private elDepth = 0;
  private preDepth = 0;

  constructor(private readonly body: Element) {}

  token(t: HtmlToken): void {
    if (this.dropping) {
      if (t.kind === "text" || t.name !== this.dropping.name || VOID_ELEMENTS.has(t.name)) return;
      this.dropping.depth += t.kind === "start" ? 1 : -1;
      if (this.dropping.depth === 0) this.dropping = null;
      return;
    }
    if (t.kind === "text") this.addText(t.text);
    else if (t.kind === "start") this.start(t.name, t.attrs);
    else this.end(t.name);
  }

  finish(): void {
    while (this.stack.length > 0) this.close(this.stack.pop()!);
  }

  private parent(): Element {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const el = this.stack[k]!.el;
      if (el) return el;
    }
    return this.body;
  }

  private addText(s: string): void {
    const clean = stripXmlForbidden(s);
    if (clean === "") return;
    this.parent().append(clean);
    this.text.append(clean, this.preDepth > 0);
  }

  private start(name: string, attrs: ReadonlyMap<string, string>): void {
    if (DROP_WITH_CONTENT.has(name)) {
      if (!VOID_ELEMENTS.has(name)) this.dropping = { name, depth: 1 };
      return;
    }
    this.implicitClose(name);
    if (name === "br" || name === "hr") {
      this.emit("br", {});
      if (name === "br") this.text.lineBreak();
      else this.text.blockBreak(1);
      return;
    }
    if (name === "img") return this.image(attrs);
    if (VOID_ELEMENTS.has(name) || this.stack.length >= MAX_OPEN) return;

    const rename: Rename | undefined = Object.hasOwn(HTML_RENAMES, name) ? HTML_RENAMES[name as keyof typeof HTML_RENAMES] : undefined;
    const target: XhtmlImElement | undefined = isXhtmlIm(name) ? name : rename?.to;
    let el: Element | null = null;
    let href: string | undefined;
    if (target !== undefined && this.elDepth < MAX_DEPTH) {
      const out = this.attributes(target, attrs, rename?.style);
      href = out.href;
      el = this.emit(target, out);
    }
    if (target !== undefined && XHTML_IM_ELEMENTS[target].block) this.text.blockBreak(PARAGRAPHS.has(target) ? 2 : 1);
    if (target === "li") this.text.append(this.listMarker(), true);
    const open: Open = { name, target, el, textMark: this.text.length, listCounter: 0, ...(href ? { href } : {}) };
    this.stack.push(open);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    if (el) this.elDepth++;
    if (target === "pre") this.preDepth++;
  }

  private end(name: string): void {
    if (name === "br") return this.start("br", new Map());
    if (name === "p" && !this.counts.get("p")) return this.text.blockBreak(2);
    if (!this.counts.get(name)) return; // stray end tag
    for (;;) {
      const o = this.stack.pop()!;
      this.close(o);
      if (o.name === name) return;
    }
  }

  private close(o: Open): void {
    this.counts.set(o.name, (this.counts.get(o.name) ?? 1) - 1);
    if (o.el) this.elDepth--;
    if (o.target === "pre") this.preDepth--;
    if (o.href !== undefined) {
      const label = this.text.since(o.textMark).trim();
      const shown = o.href.replace(/^mailto:/i, "");
      if (label !== o.href && label !== shown) this.text.append(label === "" ? shown : ` (${shown})`, false);
    }
    if (CELL_ELEMENTS.has(o.name)) this.addText(" ");
    if (o.target !== undefined && XHTML_IM_ELEMENTS[o.target].block) this.text.blockBreak(PARAGRAPHS.has(o.target) ? 2 : 1);
  }

  /** Close what HTML closes implicitly before `name` opens (p, li, dt/dd, nested a). */
  private implicitClose(name: string): void {
    if (CLOSES_P.has(name)) this.closeInScope("p", P_SCOPE);
    if (name === "li") this.closeInScope("li", LI_SCOPE);
    if (name === "dt" || name === "dd") {
      this.closeInScope("dt", DEF_SCOPE);
      this.closeInScope("dd", DEF_SCOPE);
    }
    if (name === "a") this.closeInScope("a", P_SCOPE);
    if (name === "td" || name === "th" || name === "tr") {
      this.closeInScope("td", TABLE_SCOPE);
      this.closeInScope("th", TABLE_SCOPE);
    }
    if (name === "tr") this.closeInScope("tr", TABLE_SCOPE);
  }

  private closeInScope(name: string, boundary: ReadonlySet<string>): void {
    if (!this.counts.get(name)) return;
    let k = this.stack.length - 1;
    for (; k >= 0; k--) {
      const n = this.stack[k]!.name;
      if (n === name) break;
      if (boundary.has(n)) return;
    }
    while (k >= 0 && this.stack.length > k) this.close(this.stack.pop()!);
  }

  private listMarker(): string {
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const o = this.stack[k]!;
      if (o.target === "ol") return `${++o.listCounter}. `;
      if (o.target === "ul") return "- ";
    }
    return "- ";
  }

  private image(attrs: ReadonlyMap<string, string>): void {
    const src = safeImgSrc(attrs.get("src") ?? "");
    const alt = safeText(stripXmlForbidden(attrs.get("alt") ?? ""));
    if (src !== undefined && this.elDepth < MAX_DEPTH) {
      const out = this.attributes("img", attrs);
      this.emit("img", { ...out, src, ...(alt !== "" ? { alt } : {}) });
    }
    const shown = alt !== "" ? alt : src !== undefined && /^https?:/i.test(src) ? src : "";
    if (shown !== "") this.text.append(shown, false);
  }

  private emit(name: XhtmlImElement, attrs: Record<string, string>): Element | null {
    if (this.emitted >= MAX_ELEMENTS) return null;
    const el = xml(name, attrs);
    this.parent().append(el);
    this.emitted++;
    return el;
  }

  /** `style` and `title` everywhere, `href` on a (img attributes are handled in image()). */
  private attributes(target: XhtmlImElement, attrs: ReadonlyMap<string, string>, extraStyle?: string): Record<string, string> {
    const out: Record<string, string> = {};
    const style = filterStyle(stripXmlForbidden([extraStyle, attrs.get("style")].filter((s) => s !== undefined).join(";")));
    if (style !== undefined) out.style = style;
    const title = safeText(stripXmlForbidden(attrs.get("title") ?? ""));
    if (title !== "") out.title = title;
    if (target === "a") {
      const href = safeHref(stripXmlForbidden(attrs.get("href") ?? ""));
      if (href !== undefined) out.href = href;
    }
    if (target === "img") {
      for (const dim of ["width", "height"] as const) {
        const v = safeLength(attrs.get(dim) ?? "");
        if (v !== undefined) out[dim] = v;
      }
    }
    return out;
  }
}

function isXhtmlIm(name: string): name is XhtmlImElement {
  return Object.hasOwn(XHTML_IM_ELEMENTS, name);
}
