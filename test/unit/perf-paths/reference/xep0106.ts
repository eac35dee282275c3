/**
 * XEP-0106 (JID Escaping) v1.1, §4: the nine characters a localpart may not
 * hold, plus the backslash rule. Escapes are lower-case only; case matters.
 *
 *   escapeLocal("d'artagnan")  === "d\\27artagnan"
 *   escapeLocal("c:\\net")     === "c\\3a\\net"     (normative algorithm; docs/addresses.md "XEP-0106 backslash")
 *   unescapeLocal("m\\26m")    === "m&m"
 */

/** The ten escape sequences, keyed by the character each stands for (XEP-0106 §4.2 table). */
export const XEP0106_ESCAPES: ReadonlyMap<string, string> = new Map([
  [" ", "\\20"], ['"', "\\22"], ["&", "\\26"], ["'", "\\27"], ["/", "\\2f"],
  [":", "\\3a"], ["<", "\\3c"], [">", "\\3e"], ["@", "\\40"], ["\\", "\\5c"],
]);

const UNESCAPES: ReadonlyMap<string, string> = new Map(
  [...XEP0106_ESCAPES].map(([ch, seq]) => [seq, ch]),
);

// Exactly one of the ten sequences (lower-case hex only, XEP-0106 §4.3).
const ESCAPE_SEQUENCE = /\\(20|22|26|27|2f|3a|3c|3e|40|5c)/g;

/** The nine characters always escaped (everything in the table but the backslash). */
const ALWAYS_ESCAPED = /[ "&'/:<>@]/g;

/**
 * XEP-0106 §4.2: a `\` is escaped only where it starts one of the ten
 * sequences; the nine other characters always. `escapeLocal("\\27") === "\\5c27"`.
 */
export function escapeLocal(s: string): string {
  return s
    .replace(ESCAPE_SEQUENCE, (seq) => "\\5c" + seq.slice(1))
    .replace(ALWAYS_ESCAPED, (ch) => XEP0106_ESCAPES.get(ch)!);
}

/**
 * XEP-0106 §4.3: replace each of the ten lower-case sequences, left to right,
 * without re-reading what a replacement produced; anything else stays.
 * `unescapeLocal("\\5c27") === "\\27"`, `unescapeLocal("foo\\bar") === "foo\\bar"`.
 */
export function unescapeLocal(s: string): string {
  return s.replace(ESCAPE_SEQUENCE, (seq) => UNESCAPES.get(seq)!);
}

/** XEP-0106 §4.2 step 5: an escaped localpart may not begin or end with `\20`. */
export function hasEdgeSpaceEscape(escaped: string): boolean {
  return escaped.startsWith("\\20") || escaped.endsWith("\\20");
}
