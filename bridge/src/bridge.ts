/**
 * Wires the parts together; owns no mapping. Kamailio events → flows →
 * Prosody, and back. What the hosts' hellos say about their settings
 * (command endpoint, timeouts, size limits) flows through HostSettings.
 */
import { newId } from "./runtime/ids.js";
import { PROTOCOL_VERSION, type SipResumeCommand } from "../../common/src/wire/frames.js";
import { newBranch, newTag } from "../../common/src/sip/header-values.js";
import { EvapiClient } from "./kamailio/evapi-client.js";
import { CommandClient } from "./kamailio/command-client.js";
import { dispatchKamailioEvent } from "./kamailio/event-dispatch.js";
import { SipSender } from "./kamailio/sip-sender.js";
import { ProsodyLink } from "./prosody/prosody-link.js";
import { handleSipMessage } from "./flows/sip-to-xmpp-flow.js";
import { handleXmppStanza } from "./flows/xmpp-to-sip-flow.js";
import { DestinationQueues } from "./flows/destination-queue.js";
import { StanzaDedupe } from "./flows/stanza-dedupe.js";
import { resumeCommand } from "./kamailio/resume-command.js";
import { LinkHealth } from "./kamailio/link-health.js";
import { makeFailure } from "../../common/src/failure.js";
import { sipFinalForFailure } from "./mapping/outcome-to-sip.js";
import { DomainTable } from "./runtime/domains.js";
import { HostSettings } from "./runtime/host-settings.js";
import { PROSODY_LINK_MAX_FRAME } from "./runtime/settings.js";
import { createResolution } from "./resolve/resolution.js";
import { Metrics } from "./runtime/metrics.js";
import type { BridgeConfig } from "./runtime/config.js";
import type { Logger } from "./runtime/log.js";

export interface RunningBridge {
  readonly metrics: Metrics;
  readonly domains: DomainTable;
  stop(): Promise<void>;
}

export async function startBridge(cfg: BridgeConfig, log: Logger): Promise<RunningBridge> {
  const metrics = new Metrics();
  const domains = new DomainTable();
  const commands = new CommandClient(undefined, cfg.secret);
  const settings = new HostSettings(cfg, log, (e) => {
    if (commands.setEndpoint(e)) log.info("kamailio commands endpoint", { host: e.host, port: e.port, from: e.from });
  });
  const sipSender = new SipSender(commands, cfg.sip_result_timeout_ms);
  const queues = new DestinationQueues(cfg.per_destination_queue, cfg.max_queued);
  const dedupe = new StanzaDedupe();
  let sipInFlight = 0;
  const resolution = createResolution(cfg, () => domains, metrics, log);

  const prosody = new ProsodyLink({
    ...(cfg.prosody_socket.startsWith("tcp:") ? { tcp: parseTcp(cfg.prosody_socket) } : { socketPath: cfg.prosody_socket }),
    socketMode: cfg.prosody_socket_mode,
    ...(cfg.prosody_socket_group !== undefined ? { socketGroup: cfg.prosody_socket_group } : {}),
    ...(cfg.secret !== undefined ? { secret: cfg.secret } : {}),
    maxFrame: PROSODY_LINK_MAX_FRAME,
    pingIntervalMs: cfg.ping_interval_ms,
    onHello: (h) => { domains.fromProsody(h); settings.onProsodyHello(h); },
    onResolve: (frame) => resolution.answerProsody(frame, (f) => prosody.send(f)),
    onStanza: (frame) => {
      const earlier = dedupe.begin(frame.id);
      if (earlier !== undefined) {
        // mod_stox re-sent it after a reconnect: never send it to SIP twice.
        metrics.frame("prosody", "duplicate-stanza");
        if (earlier.state === "done") prosody.send({ type: "xmpp.stanza-done", v: PROTOCOL_VERSION, id: newId(), ref: frame.id, outcome: earlier.outcome });
        return;
      }
      handleXmppStanza(frame, {
        context: () => ({
          localXmppDomains: domains.localXmpp,
          maxSipBytes: cfg.max_sip_bytes,
          wire: { viaSentBy: cfg.via_sent_by, transport: "UDP", branch: newBranch(), fromTag: newTag(), cseq: 1 },
        }),
        isLocalSip: (d) => domains.isLocalSip(d),
        admit: (m) => resolution.loops.admitToSip(m),
        sendSip: (cmd) => sipSender.send(cmd),
        bounce: (stanza) => { prosody.send({ type: "xmpp.deliver", v: PROTOCOL_VERSION, id: newId(), xml: stanza.toString() }); },
        done: (ref, outcome) => {
          dedupe.finish(ref, outcome);
          prosody.send({ type: "xmpp.stanza-done", v: PROTOCOL_VERSION, id: newId(), ref, outcome });
        },
        queues, metrics, log,
      });
    },
    log, metrics,
  });
  await prosody.listen();

  const evapi = new EvapiClient({
    host: cfg.evapi_host, port: cfg.evapi_port, maxFrame: 1 << 20, log, metrics,
    ...(cfg.secret !== undefined ? { secret: cfg.secret } : {}),
    onState: (up) => {
      if (up) return;
      const failed = sipSender.failAll("Kamailio link lost");
      if (failed > 0) log.warn("kamailio link lost with SIP requests in flight", { answered_as_timeout: failed });
    },
    onEvent: (value) => { health.onTraffic(); dispatchKamailioEvent(value, {
      hello: (h) => {
        domains.fromKamailio(h);
        settings.onKamailioHello(h);
        log.info("kamailio hello", { sip_domains: h.sip_domains, xmpp_domains: h.xmpp_domains });
      },
      "sip.message": (ev) => {
        if (sipInFlight >= cfg.max_in_flight) {
          // Backpressure (docs/robustness.md): refuse at once with a retry hint rather than queue without bound.
          metrics.outcome("sip-to-xmpp", "refused", "overloaded", 0);
          const final = sipFinalForFailure(makeFailure("overloaded", "bridge at capacity", { retryAfter: cfg.retry_after_s }));
          void commands.post(resumeCommand(ev, final.hdrs ? { code: final.code, reason: final.reason, hdrs: final.hdrs } : { code: final.code, reason: final.reason })).catch(() => {});
          return;
        }
        sipInFlight++;
        const resume = async (cmd: SipResumeCommand) => {
          const a = await commands.post(cmd);
          if (a.status !== 200) log.warn("resume refused by kamailio", { status: a.status, code: cmd.code });
        };
        // resolve:true (a domain Kamailio could not place) is classified first: docs/resolution.md.
        void resolution.gateSipMessage(ev, resume, (resumeWithCache) => handleSipMessage(ev, {
          deliver: (xml) => prosody.deliver(xml, settings.effective.deliverTimeoutMs),
          resume: resumeWithCache,
          context: () => ({ localSipDomains: domains.localSip, maxStanzaBytes: settings.effective.maxStanzaBytes }),
          admit: (m) => resolution.loops.admitToXmpp(m),
          metrics, log,
        })).finally(() => { sipInFlight--; });
      },
      "sip.result": (ev) => sipSender.onResult(ev),
      error: (ev) => log.warn("kamailio refused a frame", { code: ev.code, message: ev.message }),
      pong: (ev) => health.onPong(ev.ref),
    }, metrics, log); },
  });
  const health = new LinkHealth({
    intervalMs: cfg.ping_interval_ms, timeoutMs: cfg.ping_interval_ms,
    isUp: () => evapi.connected && commands.endpoint !== undefined, post: (cmd) => commands.post(cmd, cfg.ping_interval_ms),
    onDead: () => evapi.reconnect(), log,
  });
  evapi.start();
  health.start();

  return {
    metrics, domains,
    async stop() {
      health.stop();
      evapi.stop();
      commands.close();
      await prosody.close();
    },
  };
}

function parseTcp(spec: string): { host: string; port: number } {
  const m = /^tcp:([0-9.]+|\[[0-9a-f:]+\]):(\d+)$/i.exec(spec);
  if (!m) throw new Error(`bad prosody_socket ${spec} (tcp:127.0.0.1:PORT)`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port: Number(m[2]) };
}
