/**
 * Sets and maps of code points decoded from the compact hex lists in
 * `tables.generated.ts` (RFC 3454 appendices, ICU bidi classes).
 */

/** A sorted list of inclusive code point ranges; `has` is a binary search. */
export class CodePointSet {
  private constructor(private readonly bounds: Uint32Array) {}

  /** `CodePointSet.parse("20 7f-9f").has(0x85) === true` */
  static parse(list: string): CodePointSet {
    const items = list.split(" ").filter((s) => s.length > 0);
    const bounds = new Uint32Array(items.length * 2);
    items.forEach((item, i) => {
      const [lo, hi = lo] = item.split("-");
      bounds[2 * i] = parseInt(lo ?? "", 16);
      bounds[2 * i + 1] = parseInt(hi ?? "", 16);
    });
    return new CodePointSet(bounds);
  }

  /** `set.has("a".codePointAt(0)!)` */
  has(cp: number): boolean {
    let lo = 0;
    let hi = this.bounds.length / 2 - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (cp < this.bounds[2 * mid]!) hi = mid - 1;
      else if (cp > this.bounds[2 * mid + 1]!) lo = mid + 1;
      else return true;
    }
    return false;
  }
}

/** Decodes `"41>61 df>73.73"` into a map from code point to replacement text. */
export function parseCodePointMap(list: string): ReadonlyMap<number, string> {
  const map = new Map<number, string>();
  for (const item of list.split(" ")) {
    if (item.length === 0) continue;
    const [from = "", to = ""] = item.split(">");
    const mapped = to.split(".").map((hex) => String.fromCodePoint(parseInt(hex, 16)));
    map.set(parseInt(from, 16), mapped.join(""));
  }
  return map;
}
