/**
 * The stringprep engine (RFC 3454 §2 steps 1–4) configured the way Prosody
 * 0.12 on Debian runs it: `util.encodings` built against ICU `usprep` with
 * USPREP_ALLOW_UNASSIGNED (Prosody calls nodeprep/resourceprep non-strict).
 * Verified against the installed Prosody by
 * test/integration/address-prosody-parity.test.ts.
 */
import { Buffer } from "node:buffer";
import { failure, type Failure } from "../../failure.js";
import { ok, type Result } from "../../result.js";
import { CodePointSet, parseCodePointMap } from "./code-point-set.js";
import * as T from "./tables.generated.js";

const UNASSIGNED_3_2 = CodePointSet.parse(T.A1_UNASSIGNED);
const MAP_TO_NOTHING = CodePointSet.parse(T.B1_MAP_TO_NOTHING);
const CASE_FOLD = parseCodePointMap(T.B2_CASE_FOLD);
const RANDAL = CodePointSet.parse(T.BIDI_RANDAL);
const LCAT = CodePointSet.parse(T.BIDI_L);
// Unicode 3.2 decompositions that Corrigendum #4 (Unicode 4.0) later fixed.
// ICU keeps the 3.2 values for stringprep, so Prosody does too.
const PRE_CORRIGENDUM_4: ReadonlyMap<number, string> = new Map([
  [0x2f868, "\u{2136A}"], [0x2f874, "\u5F33"], [0x2f91f, "\u43AB"], [0x2f95f, "\u7AAE"], [0x2f9bf, "\u4D57"],
]);

/** What differs between Nodeprep and Resourceprep (RFC 3920 App. A and B). */
export interface StringprepProfile {
  /** Used in failure details only. */
  readonly name: string;
  /** Apply Table B.2 (Nodeprep yes, Resourceprep no). */
  readonly caseFold: boolean;
  /** The profile's prohibited output (RFC 3454 §5 tables plus profile extras). */
  readonly prohibited: (cp: number) => boolean;
}

/**
 * Prosody's util.encodings refuses input of 1024+ octets and output of 1024+
 * octets (fixed 1024-unit buffers); RFC 7622 §3.1 caps each JID part at 1023.
 */
export const PREP_MAX_OCTETS = 1023;

const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Steps 1–2 only (map, then NFKC), without any check: `stringprepMap("Ａ\u200Bb", p) === "ab"`.
 * The SIP→JID mapper uses it to see whether canonicalisation moved XEP-0106 escapes.
 */
export function stringprepMap(s: string, profile: StringprepProfile): string {
  const flags = scanAscii(s, asciiPlan(profile));
  return (flags & ASCII_SLOW) !== 0 ? stringprepMapFull(s, profile) : asciiMapped(s, flags);
}

/** Full preparation: `stringprepPrepare("Alice", NODEPREP)` → ok("alice"). */
export function stringprepPrepare(s: string, profile: StringprepProfile): Result<string, Failure> {
  const flags = scanAscii(s, asciiPlan(profile));
  if ((flags & ASCII_SLOW) !== 0) return stringprepPrepareFull(s, profile);
  // Same checks, same order, same details as the full path below.
  if (s.length > PREP_MAX_OCTETS) return failure("jid-malformed", `${profile.name}: input too long`);
  if ((flags & ASCII_PROHIBITED) !== 0) return failure("jid-malformed", `${profile.name}: prohibited character`);
  return ok(asciiMapped(s, flags));
}

/**
 * The general algorithm, for any input; `stringprepPrepare` answers ASCII
 * input without it. Exported so tests can compare the two paths.
 */
export function stringprepMapFull(s: string, profile: StringprepProfile): string {
  return normalizeKcAssigned32(mapCodePoints(s, profile.caseFold));
}

/** The general algorithm behind `stringprepPrepare` (tests compare the ASCII fast path with it). */
export function stringprepPrepareFull(s: string, profile: StringprepProfile): Result<string, Failure> {
  if (LONE_SURROGATE.test(s)) return failure("jid-malformed", `${profile.name}: not valid Unicode`);
  if (Buffer.byteLength(s, "utf8") > PREP_MAX_OCTETS) return failure("jid-malformed", `${profile.name}: input too long`);
  const out = stringprepMapFull(s, profile);
  for (const ch of out) {
    if (profile.prohibited(ch.codePointAt(0)!)) {
      return failure("jid-malformed", `${profile.name}: prohibited character`);
    }
  }
  if (!bidiOk(out)) return failure("jid-malformed", `${profile.name}: bidirectional rule violated`);
  if (Buffer.byteLength(out, "utf8") > PREP_MAX_OCTETS) return failure("jid-malformed", `${profile.name}: output too long`);
  return ok(out);
}

// RFC 3454 §3: B.1 maps to nothing; B.2 case-folds. Unassigned code points
// have no table entries, so they pass through (ICU USPREP_ALLOW_UNASSIGNED).
function mapCodePoints(s: string, caseFold: boolean): string {
  let out = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (MAP_TO_NOTHING.has(cp)) continue;
    out += (caseFold ? CASE_FOLD.get(cp) : undefined) ?? ch;
  }
  return out;
}

// RFC 3454 §4 says NFKC of Unicode 3.2. ICU (hence Prosody) normalises only
// runs of code points assigned in 3.2 and copies the others unchanged, so a
// character added later (U+1F130, U+FA70) is neither decomposed nor composed.
// Decompositions of 3.2 characters are frozen (Unicode stability policy), so
// the platform's NFKC on such a run gives the 3.2 answer, but for five
// CJK compatibility ideographs (singletons, so replacing them first is exact).
function normalizeKcAssigned32(s: string): string {
  let out = "";
  let run = "";
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (UNASSIGNED_3_2.has(cp)) {
      out += run.normalize("NFKC") + ch;
      run = "";
    } else {
      run += PRE_CORRIGENDUM_4.get(cp) ?? ch;
    }
  }
  return out + run.normalize("NFKC");
}

// RFC 3454 §6: with any RandALCat character, no LCat character may appear and
// the first and last characters must be RandALCat. Classes come from ICU's
// current data (see generate-tables.py), as Prosody's ICU backend does.
function bidiOk(s: string): boolean {
  const cps = Array.from(s, (ch) => ch.codePointAt(0)!);
  if (!cps.some((cp) => RANDAL.has(cp))) return true;
  if (cps.some((cp) => LCAT.has(cp))) return false;
  return RANDAL.has(cps[0]!) && RANDAL.has(cps[cps.length - 1]!);
}

// ASCII fast path. Addresses are overwhelmingly ASCII, and on ASCII the
// general algorithm reduces to a per-character table: no ASCII character is
// RandALCat (so the bidi rule holds), and a string whose characters all have
// NFKC_Quick_Check=Yes and combining class 0 is already NFKC (UAX #15 §9), so
// normalisation is the identity. The table is not written by hand: it is
// derived once per profile by running the general algorithm on each of the
// 128 characters, and any character whose answer does not fit the pattern
// sends the whole string down the general path.
const ASCII_SLOW = 1; // not answerable per character: take the general path
const ASCII_PROHIBITED = 2; // its mapped form is prohibited output
const ASCII_FOLDS = 4; // maps to its lower-case form (Nodeprep B.2)

/** Flags per code point 0..127, derived once per profile. */
const plans = new WeakMap<StringprepProfile, Uint8Array>();

function asciiPlan(profile: StringprepProfile): Uint8Array {
  let plan = plans.get(profile);
  if (plan === undefined) {
    plan = deriveAsciiPlan(profile);
    plans.set(profile, plan);
  }
  return plan;
}

function deriveAsciiPlan(profile: StringprepProfile): Uint8Array {
  const flags = new Uint8Array(128);
  const mapped: string[] = [];
  for (let cp = 0; cp < 128; cp++) {
    const ch = String.fromCharCode(cp);
    const m = stringprepMapFull(ch, profile);
    mapped.push(m);
    const out = m.length === 1 ? m.charCodeAt(0) : -1;
    if (out < 0 || out >= 128 || RANDAL.has(cp) || RANDAL.has(out)) flags[cp] = ASCII_SLOW;
    else if (m !== ch && m !== ch.toLowerCase()) flags[cp] = ASCII_SLOW;
    else flags[cp] = (m !== ch ? ASCII_FOLDS : 0) | (profile.prohibited(out) ? ASCII_PROHIBITED : 0);
  }
  // A string holding a folding character goes through toLowerCase() as a
  // whole, so in a profile that folds, every character must map to its own
  // lower case.
  const folds = flags.some((f) => (f & ASCII_FOLDS) !== 0);
  for (let cp = 0; cp < 128 && folds; cp++) {
    const ch = String.fromCharCode(cp);
    if (flags[cp] !== ASCII_SLOW && mapped[cp] !== ch.toLowerCase()) flags[cp] = ASCII_SLOW;
  }
  return flags;
}

/** The union of the flags of the characters of `s`; ASCII_SLOW for any non-ASCII one. */
function scanAscii(s: string, plan: Uint8Array): number {
  let flags = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128) return ASCII_SLOW;
    flags |= plan[c]!;
  }
  return flags;
}

// Only a string with a folding character changes, and then by toLowerCase()
// (deriveAsciiPlan ensured every other character is its own lower case).
function asciiMapped(s: string, flags: number): string {
  return (flags & ASCII_FOLDS) !== 0 ? s.toLowerCase() : s;
}
