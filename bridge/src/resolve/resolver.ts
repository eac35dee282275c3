/**
 * Domain resolution as the bridge runs it (RFC 7247 §5, docs/resolution.md):
 * static tables from the hosts' hellos first, then a cache, then DNS —
 * one lookup per domain at a time, however many messages wait for it.
 * Clock and DNS are injected.
 *
 *   const r = new Resolver({ dns, negativeTtl: 300, failureTtl: 30, maxTtl: 3600 }, () => domains);
 *   await r.decide("sip", "example.com");
 *   // { route: "bridge", verdict: "xmpp", ttl: 300, classification: { records: [...] } }
 */
import { canonicalJidDomain, jidDomainToSipHost, isIPv4Address, isIPv6Reference } from "../../../common/src/address/domain.js";
import { makeFailure, type Failure } from "../../../common/src/failure.js";
import { classify, routeFor, wireVerdict, type CachePolicy, type Classification, type Route, type Side, type Verdict } from "./classify.js";
import { lookupDomain } from "./dns-lookup.js";
import type { DnsQuerier } from "./dns-client.js";

/** The static tables, as the hosts declared them (bridge/src/runtime/domains.ts). */
export interface StaticDomains {
  readonly localSip: ReadonlySet<string>;
  readonly localXmpp: ReadonlySet<string>;
  readonly sipComponents: ReadonlySet<string>;
  readonly foreignSip: ReadonlySet<string>;
  readonly xmppForKamailio: ReadonlySet<string>;
}

export interface ResolverOptions extends CachePolicy {
  readonly dns: DnsQuerier;
  /** Milliseconds since an arbitrary epoch. */
  readonly now?: () => number;
  readonly maxEntries?: number;
  /** Seconds an adapter may cache an answer taken from the static tables. */
  readonly staticTtl?: number;
  /** Called once per DNS lookup actually made (not for cache hits or coalesced waiters). */
  readonly onLookup?: (c: Classification, ms: number) => void;
}

/** What a host should do with one message, and what it may cache. */
export interface Decision {
  /** The domain as asked (the cache key the adapter uses). */
  readonly domain: string;
  readonly route: Route;
  /** The verdict from the asking side's point of view (both → its own protocol). */
  readonly verdict: "xmpp" | "sip" | "none";
  /** Seconds the adapter may keep the verdict: what is left of the bridge's own entry; 0 = do not cache. */
  readonly ttl: number;
  readonly classification: Classification;
  /** For route "refuse": 404 / remote-server-not-found, or 408 / remote-server-timeout. */
  readonly failure?: Failure;
}

interface Entry { readonly c: Classification; readonly expires: number }

export class Resolver {
  private readonly cache = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Classification>>();
  private readonly now: () => number;

  constructor(private readonly opts: ResolverOptions, private readonly statics: () => StaticDomains) {
    this.now = opts.now ?? (() => performance.now());
  }

  async decide(origin: Side, domain: string): Promise<Decision> {
    const { c, left } = await this.classifyWithAge(domain);
    const route = routeFor(origin, c.verdict);
    const ttl = c.unresolved !== undefined ? 0 : left;
    const base = { domain, route, verdict: wireVerdict(origin, c.verdict), ttl, classification: c };
    if (route !== "refuse") return base;
    const failure = c.unresolved !== undefined
      ? makeFailure("resolve-timeout", `could not resolve ${c.domain} (${c.unresolved})`)
      : makeFailure("not-routable", `${c.domain} has neither SIP nor XMPP service records`);
    return { ...base, failure };
  }

  async classify(domain: string): Promise<Classification> {
    return (await this.classifyWithAge(domain)).c;
  }

  /** The verdict already known for a domain (static or cached), without asking DNS. */
  known(domain: string): Classification | undefined {
    const key = dnsName(domain);
    if (key === undefined) return undefined;
    return this.fromStatic(domain, key) ?? this.fresh(key)?.c;
  }

  /** Drops every cached DNS verdict (the static tables stay). */
  flush(): void {
    this.cache.clear();
  }

  private async classifyWithAge(domain: string): Promise<{ c: Classification; left: number }> {
    const key = dnsName(domain);
    if (key === undefined) {
      return { c: { domain, verdict: "none", source: "invalid", records: [], ttl: 0 }, left: 0 };
    }
    if (isIPv4Address(key) || isIPv6Reference(key)) {
      // RFC 3263 §4.1: a numeric host skips NAPTR and SRV; each host routes it natively.
      const c: Classification = { domain: key, verdict: "both", source: "ip-literal", records: [], ttl: this.staticTtl };
      return { c, left: c.ttl };
    }
    const fixed = this.fromStatic(domain, key);
    if (fixed !== undefined) return { c: fixed, left: fixed.ttl };
    const hit = this.fresh(key);
    if (hit !== undefined) return { c: hit.c, left: Math.max(1, Math.ceil((hit.expires - this.now()) / 1000)) };
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.lookup(key).finally(() => this.inflight.delete(key));
      this.inflight.set(key, pending);
    }
    const c = await pending;
    return { c, left: c.ttl };
  }

  private async lookup(key: string): Promise<Classification> {
    const started = this.now();
    const c = classify(await lookupDomain(key, this.opts.dns), this.opts);
    this.opts.onLookup?.(c, this.now() - started);
    // Failed lookups are remembered for failureTtl even when adapters may not cache them.
    const keep = c.unresolved !== undefined ? Math.min(this.opts.failureTtl, this.opts.maxTtl) : c.ttl;
    if (keep > 0) {
      this.cache.delete(key);
      this.cache.set(key, { c, expires: this.now() + keep * 1000 });
      while (this.cache.size > (this.opts.maxEntries ?? 10000)) this.cache.delete(this.cache.keys().next().value!);
    }
    return c;
  }

  private fresh(key: string): Entry | undefined {
    const e = this.cache.get(key);
    if (e === undefined) return undefined;
    if (e.expires > this.now()) return e;
    this.cache.delete(key);
    return undefined;
  }

  /** docs/resolution.md rule 1: the hosts' own tables win; a domain on both sides is never bridged. */
  private fromStatic(asked: string, key: string): Classification | undefined {
    const t = this.statics();
    const forms = [asked.toLowerCase(), key, unicodeForm(key)];
    const inAny = (...sets: ReadonlySet<string>[]) => sets.some((s) => forms.some((f) => f !== undefined && s.has(f)));
    const sip = inAny(t.localSip, t.sipComponents, t.foreignSip);
    const xmpp = inAny(t.localXmpp, t.xmppForKamailio);
    if (!sip && !xmpp) return undefined;
    const verdict: Verdict = sip && xmpp ? "both" : sip ? "sip" : "xmpp";
    return { domain: key, verdict, source: "static", records: [], ttl: this.staticTtl };
  }

  private get staticTtl(): number {
    return Math.min(this.opts.staticTtl ?? 60, this.opts.maxTtl);
  }
}

/** The ASCII (A-label) form DNS is asked with; undefined when no DNS name can be made of it. */
export function dnsName(domain: string): string | undefined {
  const canonical = canonicalJidDomain(domain);
  if (!canonical.ok) return undefined;
  const ascii = jidDomainToSipHost(canonical.value);
  return ascii.ok ? ascii.value.toLowerCase() : undefined;
}

function unicodeForm(ascii: string): string | undefined {
  const c = canonicalJidDomain(ascii);
  return c.ok ? c.value : undefined;
}
