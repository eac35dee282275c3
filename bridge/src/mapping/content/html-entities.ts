/**
 * HTML character references (HTML Living Standard §13.2.5.72–80, reduced):
 * numeric `&#NN;` / `&#xHH;` (the `;` optional, as browsers accept), the
 * named references people actually type, and the legacy `&amp` `&lt` `&gt`
 * `&quot` without `;` in text. Unknown names stay literal. NUL, surrogates
 * and values above U+10FFFF become U+FFFD, like a browser.
 */

export const NAMED_ENTITIES = {
  amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0",
  copy: "\u00a9", reg: "\u00ae", trade: "\u2122", deg: "\u00b0", plusmn: "\u00b1",
  times: "\u00d7", divide: "\u00f7", middot: "\u00b7", bull: "\u2022", hellip: "\u2026",
  ndash: "\u2013", mdash: "\u2014", lsquo: "\u2018", rsquo: "\u2019", sbquo: "\u201a",
  ldquo: "\u201c", rdquo: "\u201d", bdquo: "\u201e", laquo: "\u00ab", raquo: "\u00bb",
  lsaquo: "\u2039", rsaquo: "\u203a", euro: "\u20ac", pound: "\u00a3", yen: "\u00a5",
  cent: "\u00a2", sect: "\u00a7", para: "\u00b6", iexcl: "\u00a1", iquest: "\u00bf",
  shy: "\u00ad", ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009", zwnj: "\u200c", zwj: "\u200d",
  larr: "\u2190", rarr: "\u2192", uarr: "\u2191", darr: "\u2193", harr: "\u2194",
  hearts: "\u2665", spades: "\u2660", clubs: "\u2663", diams: "\u2666",
  auml: "\u00e4", ouml: "\u00f6", uuml: "\u00fc", Auml: "\u00c4", Ouml: "\u00d6", Uuml: "\u00dc",
  szlig: "\u00df", eacute: "\u00e9", egrave: "\u00e8", agrave: "\u00e0", aacute: "\u00e1",
  ccedil: "\u00e7", ntilde: "\u00f1", oacute: "\u00f3", iacute: "\u00ed", uacute: "\u00fa",
} as const satisfies Record<string, string>;

const REFERENCE = /&(?:#(?:[xX]([0-9A-Fa-f]{1,8})|([0-9]{1,10}));?|([A-Za-z][A-Za-z0-9]{0,31});|(amp|lt|gt|quot)(?![A-Za-z0-9=]))/g;

/** `decodeEntities("a &lt; b &#x263A; &bogus;")` → "a < b ☺ &bogus;". */
export function decodeEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(REFERENCE, (whole, hex?: string, dec?: string, name?: string, legacy?: string) => {
    if (hex !== undefined || dec !== undefined) return fromCodePoint(hex !== undefined ? parseInt(hex, 16) : Number(dec));
    const key = name ?? legacy ?? "";
    return Object.hasOwn(NAMED_ENTITIES, key) ? NAMED_ENTITIES[key as keyof typeof NAMED_ENTITIES] : whole;
  });
}

function fromCodePoint(cp: number): string {
  if (!Number.isFinite(cp) || cp === 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return "\ufffd";
  return String.fromCodePoint(cp);
}
