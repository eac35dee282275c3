/**
 * Parses one SIP request from raw bytes (RFC 3261 §7, §25). Tolerant where the
 * RFC asks for tolerance (LF line ends, header folding, compact names, any
 * header-name case); strict where sloppiness would let an attacker through
 * (a CR or LF inside a value, NUL in the head, Content-Length mismatch, caps).
 *
 * `parseSipRequest(Buffer.from("MESSAGE sip:a@b SIP/2.0\r\nTo: …\r\n\r\nhi"))`
 */
import { failure, type Failure } from "../../../../common/src/failure.js";
import { ok, type Result } from "../../../../common/src/result.js";
import { COMPACT_HEADER_NAMES, type SipRequest } from "../../../../common/src/sip/message.js";

export const SIP_PARSE_LIMITS = { maxHeadBytes: 16384, maxHeaders: 128, maxBodyBytes: 65536 } as const;

const TOKEN = /^[A-Za-z0-9\-.!%*_+`'~]+$/;
const START_LINE = /^([A-Za-z0-9\-.!%*_+`'~]+) (\S+) SIP\/2\.0$/;

export function parseSipRequest(raw: Uint8Array, limits = SIP_PARSE_LIMITS): Result<SipRequest, Failure> {
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const headEnd = findHeadEnd(bytes);
  if (!headEnd) return failure("sip-malformed", "no end of headers (blank line) found");
  if (headEnd.at > limits.maxHeadBytes) return failure("sip-malformed", "header section too large");
  const head = bytes.subarray(0, headEnd.at);
  if (head.includes(0)) return failure("sip-malformed", "NUL byte in the header section");
  const headText = head.toString("utf8");
  if (headText.includes("\uFFFD")) return failure("sip-malformed", "header section is not valid UTF-8");
  const lines = unfold(headText.split(/\r?\n/));
  const startLine = lines.shift() ?? "";
  const start = START_LINE.exec(startLine);
  if (!start) return failure("sip-malformed", "bad request line");
  if (lines.length > limits.maxHeaders) return failure("sip-malformed", "too many header fields");

  const headers = new Map<string, string[]>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon <= 0) return failure("sip-malformed", "header line without a name");
    const rawName = line.slice(0, colon).trimEnd();
    if (!TOKEN.test(rawName)) return failure("sip-malformed", "bad header name");
    const lower = rawName.toLowerCase();
    const name = COMPACT_HEADER_NAMES[lower] ?? lower;
    const value = line.slice(colon + 1).trim();
    if (/[\u0000-\u0008\u000A-\u001F\u007F]/.test(value)) return failure("sip-malformed", `control character in ${name}`);
    const list = headers.get(name) ?? [];
    list.push(...splitCommaList(name, value));
    headers.set(name, list);
  }

  let body = bytes.subarray(headEnd.at + headEnd.sep);
  const cl = headers.get("content-length")?.[0];
  if (cl !== undefined) {
    if (!/^\d{1,9}$/.test(cl)) return failure("sip-malformed", "bad Content-Length");
    const n = Number(cl);
    if (n > body.length) return failure("sip-malformed", "body shorter than Content-Length");
    body = body.subarray(0, n); // RFC 3261 §18.3: extra bytes after the body are not part of it
  }
  if (body.length > limits.maxBodyBytes) return failure("body-too-large", "body exceeds the SIP size cap");

  return ok({ method: start[1]!, requestUri: start[2]!, headers, body: new Uint8Array(body) });
}

function findHeadEnd(b: Buffer): { at: number; sep: number } | undefined {
  const crlf = b.indexOf("\r\n\r\n");
  const lf = b.indexOf("\n\n");
  if (crlf === -1 && lf === -1) return undefined;
  if (lf === -1 || (crlf !== -1 && crlf < lf)) return { at: crlf, sep: 4 };
  return { at: lf, sep: 2 };
}

/** RFC 3261 §7.3.1: a line starting with SP/HT continues the previous header. */
function unfold(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && out.length > 0) out[out.length - 1] += " " + line.trim();
    else out.push(line);
  }
  return out;
}

// Headers whose values may legally be comma-joined lists (RFC 3261 §7.3.1);
// From/To/Call-ID/Subject etc. are single-valued and may contain commas.
const LIST_HEADERS = new Set(["via", "route", "record-route", "accept", "allow", "supported", "require", "content-language"]);

function splitCommaList(name: string, value: string): string[] {
  if (!LIST_HEADERS.has(name)) return [value];
  const parts: string[] = [];
  let depth = 0, quoted = false, cur = "";
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === "<") depth++;
    else if (!quoted && ch === ">") depth--;
    if (ch === "," && !quoted && depth === 0) { parts.push(cur.trim()); cur = ""; }
    else cur += ch;
  }
  if (cur.trim() !== "") parts.push(cur.trim());
  return parts;
}
