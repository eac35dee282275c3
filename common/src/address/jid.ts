/**
 * JIDs (RFC 7622): split, canonicalise, format.
 *
 *   local@domain/resource      resource = all after the FIRST '/',
 *                              local    = before the first '@' of what is left
 *
 *   parseJid("Juliet@Example.com/Balcony") → ok({ local: "juliet", domain: "example.com", resource: "Balcony" })
 *   formatJid({ local: "juliet", domain: "example.com" }) === "juliet@example.com"
 */
import { Buffer } from "node:buffer";
import { failure, type Failure } from "../failure.js";
import { ok, type Result } from "../result.js";
import { canonicalJidDomain } from "./domain.js";
import { nodeprep, resourceprep } from "./stringprep/profiles.js";

/** A JID in canonical text form; made only by `formatJid` from parsed parts. */
export type JidString = string & { readonly __brand: "Jid" };

/**
 * Canonical parts: nodeprep'ed local ("" for a domain-only JID such as a
 * server), lower-case U-label domain, resourceprep'ed resource.
 */
export interface Jid {
  readonly local: string;
  readonly domain: string;
  readonly resource?: string;
}

/** RFC 7622 §3.1: each part is 1..1023 octets of UTF-8. */
export const JID_PART_MAX_OCTETS = 1023;

/**
 * Canonical localpart or jid-malformed: `canonicalLocalpart("Ａlice")` → ok("alice").
 * Also refuses the empty string and any result nodeprep would change again.
 */
export function canonicalLocalpart(s: string): Result<string, Failure> {
  return canonicalPart(s, nodeprep, "localpart");
}

/** Canonical resourcepart or jid-malformed: `canonicalResourcepart("My Phone")` → ok("My Phone"). */
export function canonicalResourcepart(s: string): Result<string, Failure> {
  return canonicalPart(s, resourceprep, "resourcepart");
}

function canonicalPart(
  s: string,
  prep: (s: string) => Result<string, Failure>,
  what: string,
): Result<string, Failure> {
  const once = prep(s);
  if (!once.ok) return once;
  const octets = Buffer.byteLength(once.value, "utf8");
  if (octets === 0 || octets > JID_PART_MAX_OCTETS) return failure("jid-malformed", `${what} must be 1..1023 octets`);
  // A canonical form must be a fixed point, or the two servers could disagree
  // about which account it names (docs/security.md, canonical identities).
  const twice = prep(once.value);
  if (!twice.ok || twice.value !== once.value) return failure("jid-malformed", `${what} is not stable under canonicalisation`);
  return once;
}

/**
 * RFC 7622 §3.1 split, then canonicalise and length-check each part.
 * Domain-only JIDs are accepted (`local` is ""); `parseJid("@example.com")` → jid-malformed.
 */
export function parseJid(text: string): Result<Jid, Failure> {
  const slash = text.indexOf("/");
  const resourceText = slash >= 0 ? text.slice(slash + 1) : undefined;
  const bare = slash >= 0 ? text.slice(0, slash) : text;
  const at = bare.indexOf("@");
  const localText = at >= 0 ? bare.slice(0, at) : undefined;
  const domainText = bare.slice(at + 1);
  // Prosody refuses any part of 1024+ octets before preparing it.
  if (Buffer.byteLength(domainText, "utf8") > JID_PART_MAX_OCTETS) return failure("jid-malformed", "domainpart too long");
  if (localText === "") return failure("jid-malformed", "empty localpart before '@'");
  return canonicalJid({ local: localText ?? "", domain: domainText, ...(resourceText === undefined ? {} : { resource: resourceText }) });
}

/**
 * Canonicalise parts that were split already (or re-check a `Jid` built
 * elsewhere): `canonicalJid({ local: "Bob", domain: "EXAMPLE.com" })` → ok({ local: "bob", domain: "example.com" }).
 */
export function canonicalJid(parts: Jid): Result<Jid, Failure> {
  const domain = canonicalJidDomain(parts.domain);
  if (!domain.ok) return domain;
  const local = parts.local === "" ? ok("") : canonicalLocalpart(parts.local);
  if (!local.ok) return local;
  if (parts.resource === undefined) return ok({ local: local.value, domain: domain.value });
  const resource = canonicalResourcepart(parts.resource);
  if (!resource.ok) return resource;
  return ok({ local: local.value, domain: domain.value, resource: resource.value });
}

/** `formatJid({ local: "a", domain: "b.example", resource: "r" }) === "a@b.example/r"`. */
export function formatJid(jid: Jid): JidString {
  const bare = jid.local === "" ? jid.domain : `${jid.local}@${jid.domain}`;
  return (jid.resource === undefined ? bare : `${bare}/${jid.resource}`) as JidString;
}

/** Drops the resource: `bareJid({ local: "a", domain: "b", resource: "r" })` → `{ local: "a", domain: "b" }`. */
export function bareJid(jid: Jid): Jid {
  return { local: jid.local, domain: jid.domain };
}
