/**
 * Character classes of the RFC 3261 §25 URI grammar (and the RFC 7247 §6.5
 * step 5 rule for im:/pres:), as predicates on one character.
 *
 *   isSipUserChar("&") === true,  isSipUserChar("#") === false
 *   isParamChar(":")   === true,  isParamChar(";")   === false
 *
 * Each class is one bit in a 128-entry table, so the parsers can test a whole
 * string with `everyCharIn` in one pass over its char codes.
 */

const ALPHANUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
// RFC 3261 §25 `unreserved` = alphanum / mark.
const UNRESERVED = ALPHANUM + "-_.!~*'()";

/** One bit per class; combine with `|` to accept the union. */
export const CharClass = {
  /** RFC 3261 §25 `unreserved`. */
  unreserved: 1 << 0,
  /** RFC 3261 §25 `user-unreserved`. */
  userUnreserved: 1 << 1,
  /** RFC 3261 §25 `password` characters besides escapes. */
  password: 1 << 2,
  /** RFC 3261 §25 `paramchar` without escapes. */
  param: 1 << 3,
  /** RFC 3261 §25 `hnv-unreserved` / unreserved. */
  header: 1 << 4,
  /** Left unescaped in an emitted im:/pres: user. */
  imUser: 1 << 5,
  /** Accepted raw in a received im:/pres: user. */
  imUserInput: 1 << 6,
  /** `%`, for grammars that allow escapes (checked separately). */
  percent: 1 << 7,
} as const;

const MEMBERS: readonly [number, string][] = [
  [CharClass.unreserved, UNRESERVED],
  [CharClass.userUnreserved, "&=+$,;?/"],
  [CharClass.password, UNRESERVED + "&=+$,"],
  [CharClass.param, UNRESERVED + "[]/:&+$"],
  [CharClass.header, UNRESERVED + "[]/?:+$"],
  [CharClass.imUser, ALPHANUM + "!$&'*+-/=?_~"],
  [CharClass.imUserInput, ALPHANUM + "!#$&'*+-/=?^_`{|}~."],
  [CharClass.percent, "%"],
];

const TABLE = new Uint8Array(128);
for (const [bit, chars] of MEMBERS) for (const ch of chars) TABLE[ch.charCodeAt(0)]! |= bit;

/** Whether one UTF-16 unit is in any of the classes of `mask`: `inCharClass(0x41, CharClass.unreserved) === true`. */
export function inCharClass(code: number, mask: number): boolean {
  return code < 128 && (TABLE[code]! & mask) !== 0;
}

/** Whether every character of `s` is in the classes of `mask` (true for ""): `everyCharIn("a%20", CharClass.unreserved | CharClass.percent) === true`. */
export function everyCharIn(s: string, mask: number): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || (TABLE[c]! & mask) === 0) return false;
  }
  return true;
}

const oneChar = (ch: string, mask: number): boolean => ch.length === 1 && inCharClass(ch.charCodeAt(0), mask);

/** RFC 3261 §25 `unreserved` = alphanum / mark (`- _ . ! ~ * ' ( )`): `isUnreserved("~") === true`. */
export function isUnreserved(ch: string): boolean {
  return oneChar(ch, CharClass.unreserved);
}

/** RFC 3261 §25 `user-unreserved` (`& = + $ , ; ? /`): `isUserUnreserved(";") === true`. */
export function isUserUnreserved(ch: string): boolean {
  return oneChar(ch, CharClass.userUnreserved);
}

/** Characters a SIP `user` may hold unescaped: `isSipUserChar("/") === true`. */
export function isSipUserChar(ch: string): boolean {
  return oneChar(ch, CharClass.unreserved | CharClass.userUnreserved);
}

/** RFC 3261 §25 `password` characters besides escapes (unreserved / `& = + $ ,`): `isPasswordChar("=") === true`. */
export function isPasswordChar(ch: string): boolean {
  return oneChar(ch, CharClass.password);
}

/** RFC 3261 §25 `paramchar` without escapes (param-unreserved `[ ] / : & + $` / unreserved): `isParamChar("[") === true`. */
export function isParamChar(ch: string): boolean {
  return oneChar(ch, CharClass.param);
}

/** RFC 3261 §25 `hnv-unreserved` / unreserved, for URI header names and values: `isHeaderChar("?") === true`. */
export function isHeaderChar(ch: string): boolean {
  return oneChar(ch, CharClass.header);
}

/**
 * Characters left unescaped in an `im:`/`pres:` user (RFC 7247 §6.5 step 5
 * encodes `( ) , . ; [ \ ]` and non-ASCII; we also encode what a URI can never
 * carry raw: space `" # % < > ^ \` { | }` and, after XEP-0106 unescaping, `: @`).
 * `isImUserChar(".") === false` (RFC 7247: `im:first%2Elast@…`).
 */
export function isImUserChar(ch: string): boolean {
  return oneChar(ch, CharClass.imUser);
}

/**
 * Characters accepted raw in a received `im:`/`pres:` user: the RFC 7247
 * Table 1 dot-atom set (`` ! # $ % & ' * + - / = ? ^ _ ` { | } ~ `` and `.`),
 * `%` only as part of an escape (checked by the parser). `isImUserInputChar("#") === true`.
 */
export function isImUserInputChar(ch: string): boolean {
  return oneChar(ch, CharClass.imUserInput);
}
