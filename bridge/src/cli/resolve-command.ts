/**
 * `stox resolve <domain> [--dns 127.0.0.1:5353] [--timeout ms] [--json]`:
 * what the bridge's DNS classification (RFC 7247 §5, docs/resolution.md)
 * says about a domain, the records that decided it and their TTLs. It asks
 * DNS only: the hosts' static tables, which win in the running bridge, are
 * not known here. Exit 0 when routable, 2 when the bridge would refuse.
 */
import { classify, routeFor, type Classification } from "../resolve/classify.js";
import { DnsClient, defaultServer } from "../resolve/dns-client.js";
import { lookupDomain } from "../resolve/dns-lookup.js";
import { dnsName } from "../resolve/resolver.js";
import { bridgeConfigSchema } from "../runtime/config.js";
import { parseArgs, type CliIo } from "./io.js";
import { UsageError } from "./stox.js";

export async function resolveCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, ["dns", "timeout"]);
  const domain = positional[0];
  if (domain === undefined || positional.length > 1) throw new UsageError("resolve takes one domain");
  const name = dnsName(domain);
  if (name === undefined) throw new UsageError(`not a domain name: ${domain}`);
  const dnsFlag = flags.get("dns");
  const server = defaultServer(typeof dnsFlag === "string" ? dnsFlag : process.env.STOX_DNS_SERVER);
  if (!server.ok) throw new UsageError(`--dns: ${server.error}`);
  const timeout = flags.get("timeout");
  if (timeout !== undefined && (typeof timeout !== "string" || !/^\d{2,6}$/.test(timeout))) throw new UsageError("--timeout takes milliseconds");
  const defaults = bridgeConfigSchema.parse({});

  const dns = new DnsClient({ server: server.value, timeoutMs: timeout !== undefined ? Number(timeout) : defaults.dns_timeout_ms });
  const c = classify(await lookupDomain(name, dns), {
    negativeTtl: defaults.dns_negative_ttl, failureTtl: defaults.dns_failure_ttl, maxTtl: defaults.dns_max_ttl,
  });
  const dnsText = `${server.value.host}:${server.value.port}`;
  io.stdout.write(flags.has("json") ? JSON.stringify(resolutionJson(c, dnsText)) + "\n" : resolutionText(c, dnsText));
  return c.verdict === "none" ? 2 : 0;
}

export function resolutionJson(c: Classification, dns: string): Record<string, unknown> {
  return {
    domain: c.domain, verdict: c.verdict, ttl: c.ttl, dns,
    from_sip: routeFor("sip", c.verdict), from_xmpp: routeFor("xmpp", c.verdict),
    ...(c.unresolved !== undefined ? { unresolved: c.unresolved } : {}),
    records: c.records,
  };
}

const ROUTE_TEXT = {
  sip: { bridge: "through the bridge (SIP → XMPP)", native: "Kamailio routes it itself", refuse: "refused" },
  xmpp: { bridge: "through the bridge (XMPP → SIP)", native: "Prosody routes it itself (s2s)", refuse: "refused" },
} as const;

/**
 *   example.com: xmpp (cached 300 s, asked 127.0.0.1:53)
 *     from SIP:  through the bridge (SIP → XMPP)
 *     from XMPP: Prosody routes it itself (s2s)
 *     _xmpp-server._tcp.example.com  300  SRV 0 5 5269 xmpp.example.com.  → xmpp
 */
export function resolutionText(c: Classification, dns: string): string {
  const refusal = c.verdict !== "none" ? "" : c.unresolved !== undefined
    ? ` — DNS did not answer (${c.unresolved}): SIP 408, XMPP <remote-server-timeout/>`
    : " — no SIP or XMPP service records: SIP 404, XMPP <remote-server-not-found/>";
  const lines = [
    `${c.domain}: ${c.verdict} (cached ${c.ttl} s, asked ${dns})${refusal}`,
    `  from SIP:  ${ROUTE_TEXT.sip[routeFor("sip", c.verdict)]}`,
    `  from XMPP: ${ROUTE_TEXT.xmpp[routeFor("xmpp", c.verdict)]}`,
  ];
  const width = Math.max(...c.records.map((r) => r.name.length));
  for (const r of c.records) {
    const ttl = r.ttl !== undefined ? String(r.ttl) : "-";
    lines.push(`  ${r.name.padEnd(width)}  ${ttl.padStart(6)}  ${r.type.padEnd(5)} ${r.text}  → ${r.counts}`);
  }
  return lines.join("\n") + "\n";
}
