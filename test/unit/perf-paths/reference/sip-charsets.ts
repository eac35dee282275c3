/**
 * Character classes of the RFC 3261 §25 URI grammar (and the RFC 7247 §6.5
 * step 5 rule for im:/pres:), as predicates on one character.
 *
 *   isSipUserChar("&") === true,  isSipUserChar("#") === false
 *   isParamChar(":")   === true,  isParamChar(";")   === false
 */

const ALPHANUM = /^[A-Za-z0-9]$/;
const oneOf = (ch: string, set: string): boolean => ch.length === 1 && set.includes(ch);

/** RFC 3261 §25 `unreserved` = alphanum / mark (`- _ . ! ~ * ' ( )`): `isUnreserved("~") === true`. */
export function isUnreserved(ch: string): boolean {
  return ALPHANUM.test(ch) || oneOf(ch, "-_.!~*'()");
}

/** RFC 3261 §25 `user-unreserved` (`& = + $ , ; ? /`): `isUserUnreserved(";") === true`. */
export function isUserUnreserved(ch: string): boolean {
  return oneOf(ch, "&=+$,;?/");
}

/** Characters a SIP `user` may hold unescaped: `isSipUserChar("/") === true`. */
export function isSipUserChar(ch: string): boolean {
  return isUnreserved(ch) || isUserUnreserved(ch);
}

/** RFC 3261 §25 `password` characters besides escapes (unreserved / `& = + $ ,`): `isPasswordChar("=") === true`. */
export function isPasswordChar(ch: string): boolean {
  return isUnreserved(ch) || oneOf(ch, "&=+$,");
}

/** RFC 3261 §25 `paramchar` without escapes (param-unreserved `[ ] / : & + $` / unreserved): `isParamChar("[") === true`. */
export function isParamChar(ch: string): boolean {
  return isUnreserved(ch) || oneOf(ch, "[]/:&+$");
}

/** RFC 3261 §25 `hnv-unreserved` / unreserved, for URI header names and values: `isHeaderChar("?") === true`. */
export function isHeaderChar(ch: string): boolean {
  return isUnreserved(ch) || oneOf(ch, "[]/?:+$");
}

/**
 * Characters left unescaped in an `im:`/`pres:` user (RFC 7247 §6.5 step 5
 * encodes `( ) , . ; [ \ ]` and non-ASCII; we also encode what a URI can never
 * carry raw: space `" # % < > ^ \` { | }` and, after XEP-0106 unescaping, `: @`).
 * `isImUserChar(".") === false` (RFC 7247: `im:first%2Elast@…`).
 */
export function isImUserChar(ch: string): boolean {
  return ALPHANUM.test(ch) || oneOf(ch, "!$&'*+-/=?_~");
}

/**
 * Characters accepted raw in a received `im:`/`pres:` user: the RFC 7247
 * Table 1 dot-atom set (`` ! # $ % & ' * + - / = ? ^ _ ` { | } ~ `` and `.`),
 * `%` only as part of an escape (checked by the parser). `isImUserInputChar("#") === true`.
 */
export function isImUserInputChar(ch: string): boolean {
  return ALPHANUM.test(ch) || oneOf(ch, "!#$&'*+-/=?^_`{|}~.");
}
