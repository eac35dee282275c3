/**
 * Is a foreign domain SIP, XMPP, both or neither? (RFC 7247 §5, docs/resolution.md)
 * Pure: the looked-up records in, a verdict with the records that decided it
 * and how long it may be cached out.
 *
 * "rule n" below is rule n of docs/resolution.md.
 *
 * | evidence                                                         | basis               |
 * |------------------------------------------------------------------|---------------------|
 * | `_xmpp-server._tcp` SRV with a real target → XMPP                | RFC 6120 §3.2.1     |
 * | …a single SRV with target `.` → decidedly not XMPP               | RFC 6120 §3.2.1 (3) |
 * | NAPTR with SIP+D2U/D2T/D2S or SIPS+D2T/D2S → SIP                 | RFC 3263 §4.1       |
 * | else `_sip._udp`/`_sip._tcp`/`_sips._tcp` SRV → SIP              | RFC 3263 §4.2       |
 * | SRV target `.` → not available, not evidence                     | RFC 2782            |
 * | A/AAAA → never evidence                                          | rule 2              |
 * | both → the originating side's own protocol                       | rule 3              |
 * | neither → refuse (404 / remote-server-not-found)                 | rule 4              |
 * | a lookup that failed and nothing found → 408 / timeout           | RFC 7247 T2 note 4  |
 * | cache: smallest record TTL; negative parts at most `negativeTtl` | rule 5              |
 */
import type { DnsAnswer } from "./dns-client.js";
import type { ResourceRecord } from "./dns-message.js";
import { SIP_NAPTR_SERVICES, type Asked, type DomainLookup } from "./dns-lookup.js";

export type Verdict = "xmpp" | "sip" | "both" | "none";
export type Side = "sip" | "xmpp";

/** One line of "why": a record (or the absence of one) and what it counted as. */
export interface RecordLine {
  readonly name: string;
  readonly type: "SRV" | "NAPTR";
  /** xmpp / sip: evidence; not-xmpp: RFC 6120 "." answer; ignored: present but no evidence; absent; failed. */
  readonly counts: "xmpp" | "sip" | "not-xmpp" | "ignored" | "absent" | "failed";
  readonly ttl?: number;
  /** Presentation form of the record, or why nothing came back (NXDOMAIN, NODATA, timeout…). */
  readonly text: string;
}

export interface Classification {
  readonly domain: string;
  readonly verdict: Verdict;
  /** How it was decided: the hosts' static tables win over DNS (docs/resolution.md rule 1). */
  readonly source: "static" | "dns" | "ip-literal" | "invalid";
  readonly records: readonly RecordLine[];
  /** Seconds this verdict may be cached. 0 = do not cache. */
  readonly ttl: number;
  /** Set when the verdict is "none" and a lookup failed: nothing was found, but DNS did not say so. */
  readonly unresolved?: "timeout" | "failure";
}

export interface CachePolicy {
  /** Seconds a negative answer (no records) is trusted. */
  readonly negativeTtl: number;
  /** Seconds a failed lookup (timeout, SERVFAIL) is remembered. */
  readonly failureTtl: number;
  /** Upper bound for any TTL. */
  readonly maxTtl: number;
}

/** What a host does with a message from `origin` to a domain with this verdict. */
export type Route = "bridge" | "native" | "refuse";

export function routeFor(origin: Side, verdict: Verdict): Route {
  if (verdict === "none") return "refuse";
  if (verdict === "both") return "native"; // docs/resolution.md rule 3: the bridge is not involved
  return verdict === origin ? "native" : "bridge";
}

/**
 * The verdict an adapter caches, from its own point of view: "both" becomes
 * its native protocol, so adapters see only xmpp | sip | none.
 */
export function wireVerdict(origin: Side, verdict: Verdict): "xmpp" | "sip" | "none" {
  return verdict === "both" ? origin : verdict;
}

export function classify(lookup: DomainLookup, policy: CachePolicy): Classification {
  const lines: RecordLine[] = [];
  const positiveTtls: number[] = [];
  let negative = false;
  let failed: "timeout" | "failure" | undefined;
  const noteFailure = (a: DnsAnswer) => {
    if (a.kind === "failure") failed = a.reason === "timeout" || failed === "timeout" ? "timeout" : "failure";
  };

  // RFC 6120 §3.2.1
  const xmppRecords = srvRecords(lookup.xmpp.answer);
  const decidedlyNot = xmppRecords.length === 1 && isRootTarget(xmppRecords[0]!);
  const xmpp = !decidedlyNot && xmppRecords.some((r) => !isRootTarget(r));
  lines.push(...describe(lookup.xmpp, (r) => (isRootTarget(r) ? (decidedlyNot ? "not-xmpp" : "ignored") : "xmpp")));
  if (xmpp) positiveTtls.push(answerTtl(lookup.xmpp.answer));
  else { negative = true; noteFailure(lookup.xmpp.answer); }

  // RFC 3263 §4.1, then §4.2
  const naptrSip = lookup.naptr.answer.kind === "records"
    && lookup.naptr.answer.records.some((r) => r.data.type === "NAPTR" && SIP_NAPTR_SERVICES.has(r.data.services.toLowerCase()));
  lines.push(...describe(lookup.naptr, (r) => (r.data.type === "NAPTR" && SIP_NAPTR_SERVICES.has(r.data.services.toLowerCase()) ? "sip" : "ignored")));
  let sip = naptrSip;
  if (naptrSip) {
    positiveTtls.push(answerTtl(lookup.naptr.answer));
  } else {
    noteFailure(lookup.naptr.answer);
    for (const asked of lookup.srv ?? []) {
      lines.push(...describe(asked, (r) => (isRootTarget(r) ? "ignored" : "sip"))); // RFC 2782: "." = not offered
      if (srvRecords(asked.answer).some((r) => !isRootTarget(r))) {
        sip = true;
        positiveTtls.push(answerTtl(asked.answer));
      } else noteFailure(asked.answer);
    }
    if (!sip) negative = true;
  }

  const verdict: Verdict = xmpp && sip ? "both" : xmpp ? "xmpp" : sip ? "sip" : "none";
  const bounds = [...positiveTtls, policy.maxTtl];
  if (negative) bounds.push(policy.negativeTtl);
  // A failed lookup makes any verdict provisional: keep it only briefly.
  if (failed !== undefined) bounds.push(policy.failureTtl);
  const ttl = Math.max(0, Math.min(...bounds));
  return {
    domain: lookup.domain, verdict, source: "dns", records: lines, ttl,
    ...(failed !== undefined && verdict === "none" ? { unresolved: failed } : {}),
  };
}

function srvRecords(a: DnsAnswer): ResourceRecord[] {
  return a.kind === "records" ? a.records.filter((r) => r.data.type === "SRV") : [];
}

function isRootTarget(r: ResourceRecord): boolean {
  return r.data.type === "SRV" && (r.data.target === "." || r.data.target === "");
}

function answerTtl(a: DnsAnswer): number {
  return a.kind === "records" ? a.ttl : 0;
}

function describe(asked: Asked, counts: (r: ResourceRecord) => RecordLine["counts"]): RecordLine[] {
  const a = asked.answer;
  switch (a.kind) {
    case "records":
      return a.records.map((r) => ({ name: r.name, type: asked.type, counts: counts(r), ttl: r.ttl, text: presentation(r) }));
    case "nxdomain":
    case "nodata":
      return [{ name: asked.name, type: asked.type, counts: "absent", ...(a.ttl !== undefined ? { ttl: a.ttl } : {}), text: a.kind === "nxdomain" ? "NXDOMAIN" : "NODATA" }];
    case "failure":
      return [{ name: asked.name, type: asked.type, counts: "failed", text: `${a.reason}: ${a.detail}` }];
  }
}

/** Master-file style rdata, without owner, TTL and type: `10 5 5269 xmpp.example.com.` */
export function presentation(r: ResourceRecord): string {
  const d = r.data;
  const fq = (n: string) => (n === "." ? "." : `${n}.`);
  switch (d.type) {
    case "SRV": return `${d.priority} ${d.weight} ${d.port} ${fq(d.target)}`;
    case "NAPTR": return `${d.order} ${d.preference} "${d.flags}" "${d.services}" "${d.regexp}" ${fq(d.replacement)}`;
    case "CNAME": return fq(d.target);
    case "SOA": return `${fq(d.mname)} ${fq(d.rname)} ${d.serial}`;
    case "A": case "AAAA": return d.address;
    case "other": return `TYPE${d.code} (${d.length} bytes)`;
  }
}
