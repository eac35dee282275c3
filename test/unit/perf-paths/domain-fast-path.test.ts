/**
 * The domain fast paths must answer exactly what the node:url (UTS #46)
 * route answers: `isAsciiHostname` without regexes, and the ASCII hostname
 * shortcut that skips domainToASCII / domainToUnicode. The references below
 * are the straightforward forms of the same rules, checked on random names
 * built to hit every edge (case, hyphens, `xn--`, label and name lengths,
 * IPv4 look-alikes, non-ASCII that lower-cases to ASCII).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { isIPv6 } from "node:net";
import { domainToASCII, domainToUnicode } from "node:url";
import fc from "fast-check";
import { failure, type Failure } from "../../../common/src/failure.js";
import { ok, type Result } from "../../../common/src/result.js";
import {
  canonicalJidDomain, isAsciiHostname, jidDomainToSipHost, sipHostToJidDomain,
} from "../../../common/src/address/domain.js";

const RUNS = { numRuns: 5000 };

// --- references: the rules written the plain way, every name through node:url ---
const LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/i;
const TOPLABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/i;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const isIPv6Ref = (s: string): boolean => s.startsWith("[") && s.endsWith("]") && isIPv6(s.slice(1, -1));
const stripRootDot = (s: string): string => (s.endsWith(".") && s.length > 1 ? s.slice(0, -1) : s);

function refIsAsciiHostname(s: string): boolean {
  if (s.length === 0 || s.length > 253) return false;
  const labels = s.split(".");
  return labels.every((l) => l.length <= 63 && LABEL.test(l)) && TOPLABEL.test(labels[labels.length - 1]!);
}

function refFromAscii(ascii: string): Result<string, Failure> {
  const unicode = domainToUnicode(ascii);
  if (unicode.length === 0 || domainToASCII(unicode) !== ascii.toLowerCase()) return failure("jid-malformed", "domain has an invalid A-label");
  if (Buffer.byteLength(unicode, "utf8") > 1023) return failure("jid-malformed", "domainpart too long");
  return ok(unicode);
}

function refSipHostToJidDomain(host: string): Result<string, Failure> {
  const h = stripRootDot(host.toLowerCase());
  if (isIPv6Ref(h) || IPV4.test(h)) return ok(h);
  if (!refIsAsciiHostname(h)) return failure("uri-malformed", "host is not a valid hostname");
  return refFromAscii(h);
}

function refCanonicalJidDomain(text: string): Result<string, Failure> {
  const d = stripRootDot(text);
  if (isIPv6Ref(d)) return ok(d.toLowerCase());
  if (IPV4.test(d)) return ok(d);
  if (d.length === 0 || /[^A-Za-z0-9.\-\u0080-\u{10FFFF}]/u.test(d)) {
    return failure("jid-malformed", "domainpart holds a character no DNS name can");
  }
  const ascii = domainToASCII(d);
  if (!refIsAsciiHostname(ascii)) return failure("jid-malformed", "domainpart is not a valid domain name");
  return refFromAscii(ascii);
}

function refJidDomainToSipHost(domain: string): Result<string, Failure> {
  if (isIPv6Ref(domain) || IPV4.test(domain)) return ok(domain);
  const ascii = domainToASCII(domain);
  if (!refIsAsciiHostname(ascii)) return failure("jid-malformed", "domainpart has no ASCII form");
  return ok(ascii);
}

// --- generators ---
const labelChar = fc.constantFrom(..."abcxyzABCXYZ0189-".split(""));
const oddChar = fc.constantFrom("_", "%", "/", ":", "@", " ", "ü", "Ü", "\u212A", "\u0130", "ß", "Ａ", "\u00AD", "\u200B", "\u0627", "[", "]");
const label = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: labelChar, minLength: 0, maxLength: 8 }) },
  { weight: 2, arbitrary: fc.constantFrom("xn--caf-dma", "XN--CAF-DMA", "Xn--caf-dma", "xN--caf-dma", "xn-caf", "x--n", "xn--", "xn--a", "xn--zz-", "ab--cd", "a--", "--a", "0x1f", "0X1F", "255", "256", "08", "0", "example", "com", "Example") },
  { weight: 1, arbitrary: fc.constantFrom("a".repeat(63), "b".repeat(64), "x".repeat(62) + "-", "xn--" + "a".repeat(59)) },
  { weight: 1, arbitrary: fc.tuple(fc.string({ unit: labelChar, maxLength: 4 }), oddChar, fc.string({ unit: labelChar, maxLength: 4 })).map((p) => p.join("")) },
);
const hostname = fc.tuple(fc.array(label, { minLength: 1, maxLength: 5 }), fc.constantFrom("", ".", ".."))
  .map(([ls, tail]) => ls.join(".") + tail);
const longName = fc.integer({ min: 240, max: 260 }).map((n) => {
  const parts: string[] = [];
  let len = 0;
  while (len < n) { parts.push("abcdefghi"); len += 10; }
  return (parts.join(".") + ".example").slice(-n).replace(/^[.-]+/, "a");
});
const anyHost = fc.oneof({ weight: 8, arbitrary: hostname }, { weight: 1, arbitrary: longName },
  { weight: 1, arbitrary: fc.constantFrom("192.0.2.1", "1.2.3", "[::1]", "[2001:DB8::1]", "x.test.", "", ".", "a") });

test("isAsciiHostname (one pass) = the label regexes", () => {
  fc.assert(fc.property(anyHost, (h) => assert.equal(isAsciiHostname(h), refIsAsciiHostname(h), JSON.stringify(h))), RUNS);
  for (const h of ["a", "A", "1", "a.1", "1.a", "-a.b", "a-.b", "a.-b", "a.b-", "a..b", ".a", "a.", "ab--cd.ef", "\u212A.com", "k.com"]) {
    assert.equal(isAsciiHostname(h), refIsAsciiHostname(h), h);
  }
});

test("sipHostToJidDomain without node:url for plain ASCII names = with it", () => {
  fc.assert(fc.property(anyHost, (h) => assert.deepEqual(sipHostToJidDomain(h), refSipHostToJidDomain(h), JSON.stringify(h))), RUNS);
});

test("canonicalJidDomain without node:url for plain ASCII names = with it", () => {
  fc.assert(fc.property(anyHost, (h) => assert.deepEqual(canonicalJidDomain(h), refCanonicalJidDomain(h), JSON.stringify(h))), RUNS);
});

test("jidDomainToSipHost without node:url for plain ASCII names = with it", () => {
  fc.assert(fc.property(anyHost, (h) => assert.deepEqual(jidDomainToSipHost(h), refJidDomainToSipHost(h), JSON.stringify(h))), RUNS);
});

test("domain fast path: worked examples", () => {
  assert.deepEqual(canonicalJidDomain("XMPP.Example."), ok("xmpp.example"));
  assert.deepEqual(sipHostToJidDomain("SIP.Example"), ok("sip.example"));
  assert.deepEqual(jidDomainToSipHost("xmpp.example"), ok("xmpp.example"));
  assert.deepEqual(sipHostToJidDomain("XN--CAF-DMA.Example."), ok("café.example"), "A-labels still go through node:url");
  assert.deepEqual(canonicalJidDomain("\u212Aexample.com"), ok("kexample.com"), "KELVIN SIGN is mapped by UTS #46, not by the ASCII shortcut");
});
