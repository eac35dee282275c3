/**
 * SIP side of on-demand resolution (docs/resolution.md): a `sip.message`
 * sent with `resolve: true` is for a domain Kamailio could not place. The
 * bridge classifies it from SIP's point of view and
 *
 * | verdict        | answer                                                     |
 * |----------------|------------------------------------------------------------|
 * | xmpp           | handled as any SIP → XMPP message                          |
 * | sip, both      | `sip.resume` with `route: "native"` (Kamailio relays it)   |
 * | none           | 404 Not Found, or 408 when DNS did not answer              |
 *
 * Every resume for such an event carries `cache` (the verdict and how long
 * Kamailio may keep it) unless the verdict must not be cached.
 */
import { resumeCommand } from "../kamailio/resume-command.js";
import { parseSipUri } from "../../../common/src/address/index.js";
import { makeFailure } from "../../../common/src/failure.js";
import { type DomainVerdict, type SipMessageEvent, type SipResumeCommand } from "../../../common/src/wire/frames.js";
import { sipFinalForFailure } from "../mapping/outcome-to-sip.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";
import type { Resolver } from "./resolver.js";

/** Code and reason Kamailio answers with when its own relay of a handed-back MESSAGE fails at once. */
export const NATIVE_FALLBACK = { code: 500, reason: "Native Relay Failed" } as const;

export interface SipGateDeps {
  readonly resolver: Resolver;
  readonly resume: (cmd: SipResumeCommand) => Promise<void>;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/**
 * Runs `handle` (the SIP → XMPP flow) for events that are for XMPP; answers
 * the others itself. `handle` gets a resume that adds the cache entry.
 */
export async function gateSipMessage(
  ev: SipMessageEvent,
  deps: SipGateDeps,
  handle: (resume: (cmd: SipResumeCommand) => Promise<void>) => Promise<void>,
): Promise<void> {
  if (ev.resolve !== true) return handle(deps.resume);
  const started = performance.now();
  const log = deps.log.child({ dir: "sip-to-xmpp", tx: `${ev.tindex}:${ev.tlabel}` });
  const answer = async (fields: Pick<SipResumeCommand, "code" | "reason"> & Partial<SipResumeCommand>) => {
    try {
      await deps.resume(resumeCommand(ev, fields));
    } catch (e) {
      // Kamailio's failure route still answers the sender after STOX_TIMEOUT.
      log.error("resume failed", { code: fields.code, error: String(e) });
    }
  };

  const uri = parseSipUri(ev.ruri);
  if (!uri.ok) {
    deps.metrics.outcome("sip-to-xmpp", "refused", uri.error.code, performance.now() - started);
    const f = sipFinalForFailure(uri.error);
    return answer({ code: f.code, reason: f.reason });
  }
  // The key Kamailio uses: $(rd{s.tolower}).
  const host = uri.value.host.toLowerCase();
  const d = await deps.resolver.decide("sip", host);
  const cache: DomainVerdict | undefined = d.ttl > 0 ? { domain: host, verdict: d.verdict, ttl: d.ttl } : undefined;
  const withCache = (cmd: SipResumeCommand): SipResumeCommand => (cache !== undefined ? { ...cmd, cache } : cmd);
  log.debug("domain resolved", { domain: host, verdict: d.classification.verdict, source: d.classification.source, route: d.route, ttl: d.ttl });

  switch (d.route) {
    case "bridge":
      return handle((cmd) => deps.resume(withCache(cmd)));
    case "native":
      deps.metrics.outcome("sip-to-xmpp", "ignored", "native-route", performance.now() - started);
      return answer({ ...NATIVE_FALLBACK, route: "native", ...(cache !== undefined ? { cache } : {}) });
    case "refuse": {
      const failure = d.failure ?? makeFailure("not-routable", `${host} is not routable`);
      log.info("refused", { code: failure.code, domain: host });
      deps.metrics.outcome("sip-to-xmpp", "refused", failure.code, performance.now() - started);
      const f = sipFinalForFailure(failure);
      return answer({ code: f.code, reason: f.reason, ...(f.hdrs !== undefined ? { hdrs: f.hdrs } : {}), ...(cache !== undefined ? { cache } : {}) });
    }
  }
}
