/**
 * Hosts and domainparts (docs/addresses.md: SIP → JID step 7, JID → SIP step 4). Domain mapping is
 * out of RFC 7247's scope (§6.1); these are our rules:
 * SIP side = ASCII (A-labels), XMPP side = U-labels (RFC 7622 §3.2.1).
 *
 *   sipHostToJidDomain("XN--CAF-DMA.Example.") → ok("café.example")
 *   jidDomainToSipHost("café.example")         → ok("xn--caf-dma.example")
 */
import { Buffer } from "node:buffer";
import { isIPv6 } from "node:net";
import { domainToASCII, domainToUnicode } from "node:url";
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const DNS_NAME_MAX = 253;
const DNS_LABEL_MAX = 63;
// RFC 7622 §3.2: a domainpart is 1..1023 octets.
const DOMAINPART_MAX_OCTETS = 1023;

/** RFC 3261 §25 `IPv4address` (dotted quad, each 0–255): `isIPv4Address("192.0.2.1") === true`. */
export function isIPv4Address(s: string): boolean {
  return IPV4.test(s);
}

/** RFC 3261 §25 `IPv6reference`: `isIPv6Reference("[2001:db8::1]") === true`. */
export function isIPv6Reference(s: string): boolean {
  return s.startsWith("[") && s.endsWith("]") && isIPv6(s.slice(1, -1));
}

/**
 * RFC 3261 §25 `hostname`, ASCII, no trailing dot: `isAsciiHostname("a-b.example") === true`.
 * Each label is a `domainlabel` of at most 63 characters; the last is a
 * `toplabel`, starting with a letter, which also keeps "1.2.3" from being read
 * as an IPv4 shorthand.
 */
export function isAsciiHostname(s: string): boolean {
  return scanHostname(s) !== NOT_A_HOSTNAME;
}

const NOT_A_HOSTNAME = -1;
const HAS_UPPER = 1;
const HAS_A_LABEL = 2; // a label starting "xn--", in any case

// One pass over the characters, no split and no regex: this runs for every
// address. Returns NOT_A_HOSTNAME, or what else the name holds (flags above).
// test/unit/perf-paths compares it with the regex form of the grammar.
function scanHostname(s: string): number {
  const n = s.length;
  if (n === 0 || n > DNS_NAME_MAX) return NOT_A_HOSTNAME;
  let flags = 0;
  let start = 0;
  for (let i = 0; i <= n; i++) {
    const c = i < n ? s.charCodeAt(i) : DOT;
    if (c !== DOT) {
      if (c >= 0x41 && c <= 0x5a) flags |= HAS_UPPER;
      else if (!isLetterOrDigit(c) && c !== HYPHEN) return NOT_A_HOSTNAME;
      continue;
    }
    // domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum
    const len = i - start;
    if (len === 0 || len > DNS_LABEL_MAX || s.charCodeAt(start) === HYPHEN || s.charCodeAt(i - 1) === HYPHEN) return NOT_A_HOSTNAME;
    if (len >= 4 && (s.charCodeAt(start) | 0x20) === 0x78 && (s.charCodeAt(start + 1) | 0x20) === 0x6e &&
      s.charCodeAt(start + 2) === HYPHEN && s.charCodeAt(start + 3) === HYPHEN) flags |= HAS_A_LABEL;
    if (i === n) return isLetter(s.charCodeAt(start)) ? flags : NOT_A_HOSTNAME; // toplabel starts with ALPHA
    start = i + 1;
  }
  return NOT_A_HOSTNAME;
}

const DOT = 0x2e;
const HYPHEN = 0x2d;
const isLetter = (c: number): boolean => (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a;
const isLetterOrDigit = (c: number): boolean => isLetter(c) || (c >= 0x30 && c <= 0x39);

/**
 * A hostname whose IDNA processing is the identity after lower-casing: valid
 * LDH labels, none an A-label (`xn--`, UTS #46 §4 step 4). UTS #46 maps ASCII
 * letters to lower case and leaves digits, `-` and `.` alone, and the
 * WHATWG host parser behind node:url adds nothing for such a name (its top
 * label starts with a letter, so it is never read as IPv4). Returns the
 * lower-cased name, or undefined when node:url must decide.
 * `plainAsciiHostname("SIP.Example") === "sip.example"`, `plainAsciiHostname("xn--caf-dma.example") === undefined`.
 */
function plainAsciiHostname(s: string): string | undefined {
  // The text itself is scanned, not its lower case: "\u212A".toLowerCase() is "k".
  const flags = scanHostname(s);
  if (flags === NOT_A_HOSTNAME || (flags & HAS_A_LABEL) !== 0) return undefined;
  return (flags & HAS_UPPER) !== 0 ? s.toLowerCase() : s;
}

/** Any SIP `host` (hostname, IPv4, IPv6 reference), trailing dot allowed: `isSipHost("[::1]") === true`. */
export function isSipHost(s: string): boolean {
  return isIPv6Reference(s) || isIPv4Address(s) || isAsciiHostname(s.endsWith(".") ? s.slice(0, -1) : s);
}

/**
 * SIP host → canonical JID domainpart: lower case, trailing dot stripped,
 * A-labels → U-labels (RFC 7622 §3.2.1). `sipHostToJidDomain("192.0.2.1")` → ok("192.0.2.1").
 */
export function sipHostToJidDomain(host: string): Result<string, Failure> {
  const h = stripRootDot(host.toLowerCase());
  if (isIPv6Reference(h) || isIPv4Address(h)) return ok(h);
  const flags = scanHostname(h);
  if (flags === NOT_A_HOSTNAME) return failure("uri-malformed", "host is not a valid hostname");
  return (flags & HAS_A_LABEL) !== 0 ? fromAscii(h) : ok(h);
}

/**
 * Any domainpart text → canonical form (U-labels, lower case), or jid-malformed.
 * `canonicalJidDomain("ＥＸＡＭＰＬＥ.com.")` → ok("example.com").
 */
export function canonicalJidDomain(text: string): Result<string, Failure> {
  const d = stripRootDot(text);
  if (isIPv6Reference(d)) return ok(d.toLowerCase());
  if (isIPv4Address(d)) return ok(d);
  const plain = plainAsciiHostname(d);
  if (plain !== undefined) return ok(plain);
  // node:url's host parser decodes %xx and cuts at '/', so refuse every ASCII
  // character a DNS name cannot hold before handing it the text.
  if (d.length === 0 || /[^A-Za-z0-9.\-\u0080-\u{10FFFF}]/u.test(d)) {
    return failure("jid-malformed", "domainpart holds a character no DNS name can");
  }
  const ascii = domainToASCII(d);
  if (!isAsciiHostname(ascii)) return failure("jid-malformed", "domainpart is not a valid domain name");
  return fromAscii(ascii);
}

/** Canonical domainpart → SIP host with A-labels: `jidDomainToSipHost("bücher.example")` → ok("xn--bcher-kva.example"). */
export function jidDomainToSipHost(domain: string): Result<string, Failure> {
  if (isIPv6Reference(domain) || isIPv4Address(domain)) return ok(domain);
  const plain = plainAsciiHostname(domain);
  if (plain !== undefined) return ok(plain);
  const ascii = domainToASCII(domain);
  if (!isAsciiHostname(ascii)) return failure("jid-malformed", "domainpart has no ASCII form");
  return ok(ascii);
}

// RFC 7622 §3.2: a trailing label separator is stripped.
function stripRootDot(s: string): string {
  return s.endsWith(".") && s.length > 1 ? s.slice(0, -1) : s;
}

// The A-label must decode and re-encode to itself, or it was not valid Punycode.
function fromAscii(ascii: string): Result<string, Failure> {
  const unicode = domainToUnicode(ascii);
  if (unicode.length === 0 || domainToASCII(unicode) !== ascii.toLowerCase()) {
    return failure("jid-malformed", "domain has an invalid A-label");
  }
  if (Buffer.byteLength(unicode, "utf8") > DOMAINPART_MAX_OCTETS) return failure("jid-malformed", "domainpart too long");
  return ok(unicode);
}
