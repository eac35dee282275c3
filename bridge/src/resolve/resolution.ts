/**
 * Domain resolution wired for the bridge process: the DNS client from the
 * bridge options, the resolver over the hosts' static tables, the loop
 * guard, and the two ways adapters ask (docs/resolution.md):
 * Kamailio with `sip.message {resolve: true}`, Prosody with `resolve`.
 */
import { newId } from "../runtime/ids.js";
import { PROTOCOL_VERSION, type BridgeToProsody, type ResolveRequest, type SipMessageEvent, type SipResumeCommand } from "../../../common/src/wire/frames.js";
import type { BridgeConfig } from "../runtime/config.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import { DnsClient, defaultServer, type DnsQuerier } from "./dns-client.js";
import { LoopGuard } from "./loop-guard.js";
import { Resolver, type StaticDomains } from "./resolver.js";
import { gateSipMessage } from "./sip-gate.js";

export interface Resolution {
  readonly resolver: Resolver;
  readonly loops: LoopGuard;
  /** Answers mod_stox's `resolve` with `resolved` (or an `error` frame if that fails). */
  answerProsody(frame: ResolveRequest, send: (f: BridgeToProsody) => boolean): void;
  /** See sip-gate.ts: runs `handle` for XMPP domains, answers the rest. */
  gateSipMessage(ev: SipMessageEvent, resume: (cmd: SipResumeCommand) => Promise<void>, handle: (resume: (cmd: SipResumeCommand) => Promise<void>) => Promise<void>): Promise<void>;
}

export type ResolutionOptions = Pick<BridgeConfig, "dns_server" | "dns_timeout_ms" | "dns_negative_ttl" | "dns_failure_ttl" | "dns_max_ttl">;

export function createResolution(cfg: ResolutionOptions, statics: () => StaticDomains, metrics: Metrics, log: Logger, dns?: DnsQuerier): Resolution {
  let querier = dns;
  if (querier === undefined) {
    const server = defaultServer(cfg.dns_server);
    if (!server.ok) throw new Error(`config dns_server: ${server.error}`);
    querier = new DnsClient({ server: server.value, timeoutMs: cfg.dns_timeout_ms });
    log.info("dns resolver", { server: `${server.value.host}:${server.value.port}`, timeout_ms: cfg.dns_timeout_ms });
  }
  const resolver = new Resolver({
    dns: querier, negativeTtl: cfg.dns_negative_ttl, failureTtl: cfg.dns_failure_ttl, maxTtl: cfg.dns_max_ttl,
    onLookup: (c, ms) => log.info("domain classified", {
      domain: c.domain, verdict: c.verdict, ttl: c.ttl, ms: Math.round(ms), ...(c.unresolved !== undefined ? { unresolved: c.unresolved } : {}),
    }),
  }, statics);
  const loops = new LoopGuard({}, (d) => resolver.known(d));

  return {
    resolver, loops,
    answerProsody(frame, send) {
      resolver.decide("xmpp", frame.domain).then((d) => {
        log.debug("domain resolved", { dir: "xmpp-to-sip", domain: frame.domain.slice(0, 253), verdict: d.classification.verdict, source: d.classification.source, route: d.route, ttl: d.ttl });
        send({
          type: "resolved", v: PROTOCOL_VERSION, id: newId(), ref: frame.id,
          domain: frame.domain, verdict: d.verdict, ttl: d.ttl,
          ...(d.failure?.code === "resolve-timeout" ? { timeout: true } : {}),
        });
        metrics.frame("prosody", `resolved-${d.route}`);
      }, (e: unknown) => {
        // mod_stox then routes the held stanzas natively (s2s).
        log.error("resolve failed", { domain: frame.domain.slice(0, 253), error: String(e) });
        send({ type: "error", v: PROTOCOL_VERSION, id: newId(), ref: frame.id, code: "internal-error", message: "resolution failed" });
      });
    },
    gateSipMessage(ev, resume, handle) {
      return gateSipMessage(ev, { resolver, resume, metrics, log }, handle);
    },
  };
}
