/**
 * A small, tolerant HTML tokenizer (shaped after HTML Living Standard §13.2.5,
 * much reduced): text, start tags with attributes, end tags. Comments,
 * doctypes, processing instructions and CDATA are skipped. Raw-text elements
 * (script, style, textarea, title, …) swallow everything up to their end tag.
 * A tag cut off by the end of input is dropped, as browsers do. Linear time;
 * never throws.
 */
import { decodeEntities } from "./html-entities.js";

export type HtmlToken =
  | { readonly kind: "text"; readonly text: string }
  | { readonly kind: "start"; readonly name: string; readonly attrs: ReadonlyMap<string, string>; readonly selfClosing: boolean }
  | { readonly kind: "end"; readonly name: string };

/** Content is not markup up to `</name` (§13.1.2 raw text / escapable raw text, plus legacy ones). */
const RAW_TEXT = new Set(["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "noscript", "plaintext"]);
const SPACE = /[\t\n\f\r ]/;
const ALPHA = /[A-Za-z]/;

export function tokenizeHtml(html: string): HtmlToken[] {
  const out: HtmlToken[] = [];
  const n = html.length;
  let textStart = 0;
  let i = 0;
  const flushText = (end: number): void => {
    if (end > textStart) out.push({ kind: "text", text: decodeEntities(html.slice(textStart, end)) });
  };
  /** Skip to just after the next `>` from `from` (bogus comment); EOF ends it. */
  const skipPast = (from: number, marker: string): number => {
    const k = html.indexOf(marker, from);
    return k < 0 ? n : k + marker.length;
  };

  while (i < n) {
    const lt = html.indexOf("<", i);
    if (lt < 0) break;
    const c = html[lt + 1] ?? "";
    if (ALPHA.test(c)) {
      const tag = readTag(html, lt + 1);
      flushText(lt);
      if (tag === undefined) return out; // EOF inside a tag: dropped
      out.push({ kind: "start", name: tag.name, attrs: tag.attrs, selfClosing: tag.selfClosing });
      i = textStart = tag.end;
      if (RAW_TEXT.has(tag.name)) {
        const close = tag.name === "plaintext" ? -1 : findRawEnd(html, tag.end, tag.name);
        const rawEnd = close < 0 ? n : close;
        if (rawEnd > tag.end) out.push({ kind: "text", text: html.slice(tag.end, rawEnd) });
        out.push({ kind: "end", name: tag.name });
        i = textStart = close < 0 ? n : skipPast(close, ">");
      }
    } else if (c === "/") {
      flushText(lt);
      if (ALPHA.test(html[lt + 2] ?? "")) {
        const tag = readTag(html, lt + 2);
        if (tag === undefined) return out;
        out.push({ kind: "end", name: tag.name });
        i = textStart = tag.end;
      } else {
        i = textStart = skipPast(lt + 2, ">"); // `</>` or `</ junk>`: ignored
      }
    } else if (c === "!" || c === "?") {
      flushText(lt);
      i = textStart = html.startsWith("<!--", lt)
        ? (html.startsWith("<!-->", lt) ? lt + 5 : html.startsWith("<!--->", lt) ? lt + 6 : skipPast(lt + 4, "-->"))
        : skipPast(lt + 2, ">");
    } else {
      i = lt + 1; // a literal '<'
    }
  }
  flushText(n);
  return out;
}

interface RawTag { name: string; attrs: Map<string, string>; selfClosing: boolean; end: number }

/** Reads a tag name and attributes from `start` (just past `<` or `</`); undefined at EOF. */
function readTag(html: string, start: number): RawTag | undefined {
  const n = html.length;
  let j = start;
  while (j < n && !SPACE.test(html[j]!) && html[j] !== "/" && html[j] !== ">") j++;
  const name = html.slice(start, j).toLowerCase();
  const attrs = new Map<string, string>();
  let selfClosing = false;
  for (;;) {
    while (j < n && (SPACE.test(html[j]!) || html[j] === "/")) {
      selfClosing = html[j] === "/";
      j++;
    }
    if (j >= n) return undefined;
    if (html[j] === ">") return { name, attrs, selfClosing, end: j + 1 };
    selfClosing = false;
    const nameStart = j;
    j++; // the first character may be '=' (HTML §13.2.5.32)
    while (j < n && !SPACE.test(html[j]!) && html[j] !== "/" && html[j] !== ">" && html[j] !== "=") j++;
    const attrName = html.slice(nameStart, j).toLowerCase();
    while (j < n && SPACE.test(html[j]!)) j++;
    let value = "";
    if (html[j] === "=") {
      j++;
      while (j < n && SPACE.test(html[j]!)) j++;
      const q = html[j];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, j + 1);
        if (close < 0) return undefined;
        value = html.slice(j + 1, close);
        j = close + 1;
      } else {
        const vStart = j;
        while (j < n && !SPACE.test(html[j]!) && html[j] !== ">") j++;
        value = html.slice(vStart, j);
      }
    }
    if (!attrs.has(attrName)) attrs.set(attrName, decodeEntities(value));
  }
}

/** Index of `</name` (any case) followed by space, `/`, `>` or EOF, from `from`; -1 if none. Linear from `from`. */
function findRawEnd(html: string, from: number, name: string): number {
  const re = new RegExp(`</${name}(?=[\\t\\n\\f\\r />]|$)`, "gi");
  re.lastIndex = from;
  return re.exec(html)?.index ?? -1;
}
