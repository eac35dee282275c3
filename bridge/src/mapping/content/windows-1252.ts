/**
 * The 0x80–0x9F row of WHATWG index-windows-1252 (Encoding Standard §9.1),
 * which is also what the labels iso-8859-1, latin1 and cp1252 decode with.
 * Node ≥ 20.18.3 decodes windows-1252 with its Latin-1 fast path and returns
 * U+0080–U+009F for these bytes (nodejs/node#56542, #60888); `fixWindows1252`
 * maps them. Idempotent, so it stays correct once Node is fixed.
 */
export const WINDOWS_1252_C1 = [
  0x20ac, 0x0081, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008d, 0x017d, 0x008f,
  0x0090, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x009d, 0x017e, 0x0178,
] as const;

/** `fixWindows1252("\u0080")` → "€". */
export function fixWindows1252(decoded: string): string {
  return decoded.replace(/[\u0080-\u009f]/g, (c) => String.fromCharCode(WINDOWS_1252_C1[c.charCodeAt(0) - 0x80]!));
}
