/**
 * The XHTML-IM allow-list (XEP-0071 §6 integration set, §7 recommended
 * profile, §8/§11 security; RFC 7572 §7; docs/security.md). Every decision the
 * sanitiser makes about an element, attribute, URL or CSS property is a row
 * or a predicate here.
 */

export const XHTML_IM_NS = "http://jabber.org/protocol/xhtml-im";
export const XHTML_NS = "http://www.w3.org/1999/xhtml";

type Attr = "href" | "src" | "alt" | "height" | "width";
export interface ElementRule {
  /** Element-specific attributes (plus `style` and `title`, allowed on all). */
  readonly attrs: readonly Attr[];
  /** Starts a new line in the plain-text rendering. */
  readonly block: boolean;
  /** Has no content (XHTML empty element). */
  readonly empty?: boolean;
}

/** XEP-0071 integration set: Text, Hypertext, List and Image modules (Structure is our own wrapper). */
export const XHTML_IM_ELEMENTS = {
  a: { attrs: ["href"], block: false },
  abbr: { attrs: [], block: false },
  acronym: { attrs: [], block: false },
  address: { attrs: [], block: true },
  blockquote: { attrs: [], block: true },
  br: { attrs: [], block: false, empty: true },
  cite: { attrs: [], block: false },
  code: { attrs: [], block: false },
  dd: { attrs: [], block: true },
  dfn: { attrs: [], block: false },
  div: { attrs: [], block: true },
  dl: { attrs: [], block: true },
  dt: { attrs: [], block: true },
  em: { attrs: [], block: false },
  h1: { attrs: [], block: true },
  h2: { attrs: [], block: true },
  h3: { attrs: [], block: true },
  h4: { attrs: [], block: true },
  h5: { attrs: [], block: true },
  h6: { attrs: [], block: true },
  img: { attrs: ["src", "alt", "height", "width"], block: false, empty: true },
  kbd: { attrs: [], block: false },
  li: { attrs: [], block: true },
  ol: { attrs: [], block: true },
  p: { attrs: [], block: true },
  pre: { attrs: [], block: true },
  q: { attrs: [], block: false },
  samp: { attrs: [], block: false },
  span: { attrs: [], block: false },
  strong: { attrs: [], block: false },
  ul: { attrs: [], block: true },
  var: { attrs: [], block: false },
} as const satisfies Record<string, ElementRule>;
export type XhtmlImElement = keyof typeof XHTML_IM_ELEMENTS;

/** Common HTML outside the set, rewritten to the set (XEP-0071 §7 suggests strong/em/CSS for b/i/u). */
export const HTML_RENAMES = {
  b: { to: "strong" },
  i: { to: "em" },
  tt: { to: "code" },
  u: { to: "span", style: "text-decoration: underline" },
  ins: { to: "span", style: "text-decoration: underline" },
  s: { to: "span", style: "text-decoration: line-through" },
  strike: { to: "span", style: "text-decoration: line-through" },
  del: { to: "span", style: "text-decoration: line-through" },
  hr: { to: "br" },
  center: { to: "div", style: "text-align: center" },
  article: { to: "div" }, aside: { to: "div" }, section: { to: "div" }, header: { to: "div" },
  footer: { to: "div" }, nav: { to: "div" }, main: { to: "div" }, figure: { to: "div" },
  figcaption: { to: "div" }, details: { to: "div" }, summary: { to: "div" }, fieldset: { to: "div" },
  table: { to: "div" }, caption: { to: "div" }, tr: { to: "div" }, form: { to: "div" },
} as const satisfies Record<string, { to: XhtmlImElement; style?: string }>;

/** Dropped together with everything inside (scripts, styles, embedded content, form controls). */
export const DROP_WITH_CONTENT: ReadonlySet<string> = new Set([
  "script", "style", "title", "template", "iframe", "noscript", "noembed", "noframes", "textarea",
  "select", "svg", "math", "object", "applet", "frameset", "button",
]);

/** HTML void elements: never have an end tag or content (HTML §13.1.2). */
export const VOID_ELEMENTS: ReadonlySet<string> = new Set([
  "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "img", "input",
  "keygen", "link", "meta", "param", "source", "track", "wbr",
]);

/** Table cells are unwrapped and separated by a space. */
export const CELL_ELEMENTS: ReadonlySet<string> = new Set(["td", "th"]);

/** XEP-0071 §7 recommended CSS properties. */
export const CSS_PROPERTIES: ReadonlySet<string> = new Set([
  "background-color", "color", "font-family", "font-size", "font-style", "font-weight",
  "margin-left", "margin-right", "text-align", "text-decoration",
]);

const CSS_VALUE = /^[A-Za-z0-9#%.,()'" +-]{1,100}$/;
const CSS_BANNED = /url\s*\(|expression|javascript|vbscript|behavior|binding|@import|image-set|var\s*\(/i;

/**
 * `filterStyle("color: red; background: url(x); font-weight:bold")` →
 * "color: red; font-weight: bold". Only recommended properties; values from a
 * small character set (no `\`, `;`, `:`, `/`, `*`, `<`, `{`, `@`) and no
 * url()/expression(); empty result → undefined.
 */
export function filterStyle(style: string): string | undefined {
  const kept: string[] = [];
  for (const decl of style.split(";")) {
    const colon = decl.indexOf(":");
    if (colon < 0) continue;
    const prop = decl.slice(0, colon).trim().toLowerCase();
    const value = decl.slice(colon + 1).trim().replace(/\s+/g, " ");
    if (!CSS_PROPERTIES.has(prop) || !CSS_VALUE.test(value) || CSS_BANNED.test(value)) continue;
    if (!balancedQuotesAndParens(value)) continue;
    kept.push(`${prop}: ${value}`);
  }
  return kept.length > 0 ? kept.join("; ") : undefined;
}

function balancedQuotesAndParens(v: string): boolean {
  let depth = 0;
  for (const c of v) {
    if (c === "(") depth++;
    if (c === ")" && --depth < 0) return false;
  }
  return depth === 0 && (v.split('"').length - 1) % 2 === 0 && (v.split("'").length - 1) % 2 === 0;
}

export const HREF_SCHEMES: ReadonlySet<string> = new Set(["http", "https", "mailto", "xmpp", "sip"]);
const MAX_URL = 2048;

/**
 * A link target, or undefined. Browsers ignore TAB/LF/CR inside URLs and
 * C0/space around them (WHATWG URL), so `java\tscript:` is javascript: — strip
 * those first, then demand an absolute URL with an allowed scheme.
 */
export function safeHref(raw: string): string | undefined {
  const url = cleanUrl(raw);
  const scheme = url === undefined ? undefined : /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url)?.[1]?.toLowerCase();
  return scheme !== undefined && HREF_SCHEMES.has(scheme) ? url : undefined;
}

/** Image source: http(s), or an inline raster image (never SVG: it can carry script). */
export function safeImgSrc(raw: string): string | undefined {
  const url = cleanUrl(raw);
  if (url === undefined) return undefined;
  if (/^https?:\/\/[^/]/i.test(url)) return url;
  return /^data:image\/(?:png|gif|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/i.test(url) ? url : undefined;
}

/** `width`/`height`: a number of pixels or a percentage (XHTML Length); `px` tolerated. */
export function safeLength(raw: string): string | undefined {
  const m = /^\s*(\d{1,4})(%|px)?\s*$/i.exec(raw);
  if (!m) return undefined;
  return m[2] === "%" ? `${m[1]}%` : m[1];
}

function cleanUrl(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const url = raw.replace(/[\t\n\r]/g, "").replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, "");
  if (url === "" || url.length > MAX_URL || /[\u0000-\u0020\u007f-\u009f<>"\\]/.test(url)) return undefined;
  return url;
}

/** `title` and `alt`: one line of text, bounded. */
export function safeText(raw: string, max = 256): string {
  return Array.from(raw.replace(/\s+/g, " ").trim()).slice(0, max).join("");
}
