/**
 * Parses one SIP request from raw bytes (RFC 3261 §7, §25). Tolerant where the
 * RFC asks for tolerance (LF line ends, header folding, compact names, any
 * header-name case); strict where sloppiness would let an attacker through
 * (a CR or LF inside a value, NUL in the head, Content-Length mismatch, caps).
 * A request that parses but breaks a semantic rule (a SIP-Version other than
 * SIP/2.0, a repeated From, a CSeq that does not match, …) is refused too:
 * see ./request-rules.ts and docs/robustness.md "Parsing strictness".
 *
 * `parseSipRequest(Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nTo: …\r\n\r\nhi"))`
 */
import { failure, type Failure } from "../failure.js";
import { err, ok, type Result } from "../result.js";
import { COMPACT_HEADER_NAMES, type SipRequest } from "./message.js";
import { checkRequestRules } from "./request-rules.js";

/** Caps applied before any header is interpreted (docs/security.md). */
export interface SipParseLimits {
  readonly maxHeadBytes: number;
  readonly maxHeaders: number;
  readonly maxBodyBytes: number;
}

export const SIP_PARSE_LIMITS = { maxHeadBytes: 16384, maxHeaders: 128, maxBodyBytes: 65536 } as const satisfies SipParseLimits;

const START_LINE = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/2\.0$/;
// RFC 3261 §25: SIP-Version = "SIP" "/" 1*DIGIT "." 1*DIGIT. A well-formed
// request line with any other version is answered 505 (RFC 3261 §21.5.6,
// RFC 4475 §3.1.2.16), not 400.
const OTHER_VERSION = /^[A-Za-z0-9\-.!%*_+`'~]+ \S+ SIP\/(\d+\.\d+)$/;
const CONTENT_LENGTH = /^\d{1,9}$/;
// A Map, not a lookup on the object: a header named "Constructor" or
// "__proto__" must not pick up an Object.prototype member.
const COMPACT_NAMES: ReadonlyMap<string, string> = new Map(Object.entries(COMPACT_HEADER_NAMES));

// The head is scanned line by line with indexOf and char codes rather than a
// regex per line: this parser sees every MESSAGE. test/unit/perf-paths checks
// it against the earlier regex form.
export function parseSipRequest(raw: Uint8Array, limits: SipParseLimits = SIP_PARSE_LIMITS): Result<SipRequest, Failure> {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const headEnd = findHeadEnd(bytes);
  if (!headEnd) return failure("sip-malformed", "no end of headers (blank line) found");
  if (headEnd.at > limits.maxHeadBytes) return failure("sip-malformed", "header section too large");
  const head = bytes.subarray(0, headEnd.at);
  if (head.includes(0)) return failure("sip-malformed", "NUL byte in the header section");
  const headText = head.toString("utf8");
  if (headText.includes("\uFFFD")) return failure("sip-malformed", "header section is not valid UTF-8");
  const lines = unfold(splitLines(headText));
  const startLine = lines.shift() ?? "";
  const start = START_LINE.exec(startLine);
  if (!start) {
    const version = OTHER_VERSION.exec(startLine);
    if (version) return failure("sip-version-unsupported", `SIP-Version SIP/${version[1]!.slice(0, 16)} is not SIP/2.0`);
    return failure("sip-malformed", "bad request line");
  }
  if (lines.length > limits.maxHeaders) return failure("sip-malformed", "too many header fields");

  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return failure("sip-malformed", "header line without a name");
    const rawName = line.slice(0, colon).trimEnd();
    if (!isToken(rawName)) return failure("sip-malformed", "bad header name");
    const lower = rawName.toLowerCase();
    const name = COMPACT_NAMES.get(lower) ?? lower;
    const value = line.slice(colon + 1).trim();
    if (hasControl(value)) return failure("sip-malformed", `control character in ${name}`);
    let list = headers.get(name);
    if (list === undefined) headers.set(name, (list = []));
    if (LIST_HEADERS.has(name)) splitCommaList(value, list);
    else list.push(value);
  }

  let body = bytes.subarray(headEnd.at + headEnd.sep);
  const cl = headers.get("content-length")?.[0];
  if (cl !== undefined) {
    if (!CONTENT_LENGTH.test(cl)) return failure("sip-content-length", "bad Content-Length");
    const n = Number(cl);
    if (n > body.length) return failure("sip-content-length", "body shorter than Content-Length"); // RFC 4475 §3.1.2.2
    body = body.subarray(0, n); // RFC 3261 §18.3, RFC 4475 §3.1.1.8: extra bytes after the body are not part of it
  }
  if (body.length > limits.maxBodyBytes) return failure("body-too-large", "body exceeds the SIP size cap");

  const copy = new Uint8Array(body.length); // the caller owns it; the input buffer may be reused
  copy.set(body);
  const req: SipRequest = { method: start[1]!, requestUri: start[2]!, headers, body: copy };
  const broken = checkRequestRules(req);
  return broken === undefined ? ok(req) : err(broken);
}

const CR = 0x0d;
const LF = 0x0a;

// The first blank line, CRLF CRLF or LF LF, whichever starts first. Each
// candidate holds an LF that is followed by LF or by CR LF; at the first such
// LF the two cannot both match, and no later LF can start an earlier one.
function findHeadEnd(b: Buffer): { at: number; sep: number } | undefined {
  for (let p = b.indexOf(LF); p !== -1; p = b.indexOf(LF, p + 1)) {
    if (b[p + 1] === LF) return { at: p, sep: 2 };
    if (p > 0 && b[p - 1] === CR && b[p + 1] === CR && b[p + 2] === LF) return { at: p - 1, sep: 4 };
  }
  return undefined;
}

/** Lines end at LF; a CR right before that LF belongs to the line end (RFC 3261 §7: CRLF, LF tolerated). */
function splitLines(text: string): string[] {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    if (line.charCodeAt(line.length - 1) === 0x0d) lines[i] = line.slice(0, -1);
  }
  return lines;
}

/** RFC 3261 §7.3.1: a line starting with SP/HT continues the previous header. */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const c = line.charCodeAt(0);
    if ((c === 0x20 || c === 0x09) && out.length > 0) out[out.length - 1] += " " + line.trim();
    else out.push(line);
  }
  return out;
}

// RFC 3261 §25 token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~").
const TOKEN_CHARS = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.!%*_+`'~") TOKEN_CHARS[ch.charCodeAt(0)] = 1;

function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

// Header values arrive unfolded; any control but HT is refused (docs/security.md).
function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

// Headers whose values may legally be comma-joined lists (RFC 3261 §7.3.1);
// From/To/Call-ID/Subject etc. are single-valued and may contain commas.
const LIST_HEADERS = new Set(["via", "route", "record-route", "accept", "allow", "supported", "require", "content-language"]);

/** Appends the elements of a comma-joined list, ignoring commas in quotes and inside `<>`. */
function splitCommaList(value: string, into: string[]): void {
  let depth = 0, quoted = false, from = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x22) quoted = !quoted;
    else if (!quoted && c === 0x3c) depth++;
    else if (!quoted && c === 0x3e) depth--;
    else if (c === 0x2c && !quoted && depth === 0) {
      into.push(value.slice(from, i).trim());
      from = i + 1;
    }
  }
  const last = value.slice(from).trim();
  if (last !== "") into.push(last);
}
