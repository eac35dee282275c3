/**
 * The DNS questions RFC 7247 §5 asks about one foreign domain, in the RFC
 * order (docs/resolution.md). I/O only through the injected `DnsQuerier`; what the
 * answers mean is `classify.ts`'s job.
 *
 *   1. `_xmpp-server._tcp.<domain>` SRV            RFC 6120 §3.2.1
 *   2. `<domain>` NAPTR                            RFC 3263 §4.1
 *   3. only if step 2 found no SIP service:        RFC 3263 §4.2
 *      `_sip._udp`, `_sip._tcp`, `_sips._tcp` SRV
 *
 * Steps 1 and 2 run in parallel, the three SRVs of step 3 too. A/AAAA are
 * never asked: every existing domain has them (docs/resolution.md rule 2).
 */
import type { DnsAnswer, DnsQuerier } from "./dns-client.js";

export interface Asked {
  readonly name: string;
  readonly type: "SRV" | "NAPTR";
  readonly answer: DnsAnswer;
}

export interface DomainLookup {
  readonly domain: string;
  readonly xmpp: Asked;
  readonly naptr: Asked;
  /** Present when the NAPTR step named no SIP service. */
  readonly srv?: readonly Asked[];
}

/** RFC 3263 §4.1 services that make a NAPTR record SIP evidence (SIPS+D2U "SHOULD NOT" exist). */
export const SIP_NAPTR_SERVICES: ReadonlySet<string> = new Set(["sip+d2u", "sip+d2t", "sip+d2s", "sips+d2t", "sips+d2s"]);
/** RFC 3263 §4.2 SRV names for the transports Kamailio speaks. */
export const SIP_SRV_PREFIXES = ["_sip._udp", "_sip._tcp", "_sips._tcp"] as const;
export const XMPP_SRV_PREFIX = "_xmpp-server._tcp";

export function naptrNamesSip(a: DnsAnswer): boolean {
  return a.kind === "records" && a.records.some((r) => r.data.type === "NAPTR" && SIP_NAPTR_SERVICES.has(r.data.services.toLowerCase()));
}

export async function lookupDomain(domain: string, dns: DnsQuerier): Promise<DomainLookup> {
  const ask = async (name: string, type: "SRV" | "NAPTR"): Promise<Asked> => ({ name, type, answer: await dns.query(name, type) });
  const [xmpp, naptr] = await Promise.all([ask(`${XMPP_SRV_PREFIX}.${domain}`, "SRV"), ask(domain, "NAPTR")]);
  if (naptrNamesSip(naptr.answer)) return { domain, xmpp, naptr };
  const srv = await Promise.all(SIP_SRV_PREFIXES.map((p) => ask(`${p}.${domain}`, "SRV")));
  return { domain, xmpp, naptr, srv };
}
