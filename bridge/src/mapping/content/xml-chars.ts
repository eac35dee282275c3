/**
 * Characters XML 1.0 §2.2 does not allow (docs/content.md "Text"): C0 controls other
 * than TAB/LF/CR, U+FFFE, U+FFFF and unpaired surrogates. ltx escapes only
 * `& < > " '`, so every string bound for a stanza passes through here first.
 */

import { hasXmlForbiddenChar } from "../../../../common/src/xmpp/parse-stanza.js";

// With the `u` flag a valid surrogate pair is one code point; only lone halves match \p{Cs}.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|\p{Cs}/gu;

/** `stripXmlForbidden("a\u0000b\uD800c")` → "abc". */
export function stripXmlForbidden(s: string): string {
  // Nearly all text is clean: a scan without a regex, and no copy.
  return hasXmlForbiddenChar(s) ? s.replace(FORBIDDEN, "") : s;
}

/** True when `s` contains nothing XML 1.0 forbids. */
export function isXmlSafe(s: string): boolean {
  return !hasXmlForbiddenChar(s);
}
