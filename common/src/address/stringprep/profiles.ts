/**
 * The two XMPP stringprep profiles of RFC 3920 (Prosody 0.12's canonical
 * forms): Nodeprep (App. A) for localparts, Resourceprep (App. B) for
 * resourceparts.
 */
import type { Failure } from "../../failure.js";
import type { Result } from "../../result.js";
import { CodePointSet } from "./code-point-set.js";
import { stringprepPrepare, type StringprepProfile } from "./stringprep.js";
import { C11_ASCII_SPACE, C_PROHIBITED_COMMON } from "./tables.generated.js";

const COMMON = CodePointSet.parse(C_PROHIBITED_COMMON);
const ASCII_SPACE = CodePointSet.parse(C11_ASCII_SPACE);
// RFC 3920 App. A.5: the eight characters a localpart may never contain.
const NODE_EXTRA = new Set(Array.from(`"&'/:<>@`, (ch) => ch.codePointAt(0)!));

/** RFC 3920 App. A: B.1 + B.2 mapping, NFKC, prohibit C.1.1–C.9 and `" & ' / : < > @`, bidi. */
export const NODEPREP: StringprepProfile = {
  name: "nodeprep",
  caseFold: true,
  prohibited: (cp) => COMMON.has(cp) || ASCII_SPACE.has(cp) || NODE_EXTRA.has(cp),
};

/** RFC 3920 App. B: B.1 mapping, NFKC, prohibit C.1.2–C.9, bidi (case and ASCII space kept). */
export const RESOURCEPREP: StringprepProfile = {
  name: "resourceprep",
  caseFold: false,
  prohibited: (cp) => COMMON.has(cp),
};

/** Canonical localpart: `nodeprep("Ａlice")` → ok("alice"); `nodeprep("a/b")` → jid-malformed. */
export function nodeprep(s: string): Result<string, Failure> {
  return stringprepPrepare(s, NODEPREP);
}

/** Canonical resourcepart: `resourceprep("My Phone")` → ok("My Phone"); `resourceprep("a\u0000")` → jid-malformed. */
export function resourceprep(s: string): Result<string, Failure> {
  return stringprepPrepare(s, RESOURCEPREP);
}
