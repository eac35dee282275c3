/**
 * Settings that contradict each other across the bridge and its two hosts
 * (docs/operations.md "Settings from the hosts"). One row per rule, each with
 * a stable code; a rule only speaks when the values it compares are known.
 * Pure: input = the bridge's options + the hellos, output = warnings.
 *
 *   checkSettings({ cfg: { …, deliver_timeout_ms: 12000 }, hellos: { kamailio: { timeout_ms: 10000, … } } })
 *   → [{ code: "deliver-timeout-not-below-kamailio-timeout", fields: { deliver_timeout_ms: 12000, kamailio_timeout_ms: 10000 }, … }]
 */
import { SIP_EVENT_MAX_MSG } from "../../../common/src/wire/frames.js";
import type { BridgeConfig } from "./config.js";
import { commandEndpoint, deliverTimeoutMs, FRAME_MARGIN, maxStanzaBytes, parseHttpEndpoint, PROSODY_LINK_MAX_FRAME, type Hellos, type SettingsOptions } from "./settings.js";

export type CheckOptions = SettingsOptions & Pick<BridgeConfig, "max_sip_bytes" | "sip_result_timeout_ms" | "dns_timeout_ms">;

export interface SettingsInput {
  readonly cfg: CheckOptions;
  readonly hellos: Hellos;
}

export type Fields = Readonly<Record<string, number | string>>;

export interface SettingsWarning {
  readonly code: string;
  /** What goes wrong, for the operator. */
  readonly problem: string;
  /** The values compared, by the name the operator sets them under. */
  readonly fields: Fields;
}

interface Rule {
  readonly code: string;
  readonly problem: string;
  /** The compared values when the rule is broken, else undefined. */
  readonly check: (input: SettingsInput) => Fields | undefined;
}

/** Room for the request line and headers around the largest body in a `sip.message`. */
export const SIP_HEADER_ALLOWANCE = 4096;

export const SETTINGS_RULES: readonly Rule[] = [
  {
    code: "deliver-timeout-not-below-kamailio-timeout",
    problem: "Kamailio answers 504 (its failure route) before the bridge hears Prosody's outcome",
    check: ({ cfg, hellos: { kamailio } }) => {
      const deliver = deliverTimeoutMs(cfg, kamailio);
      const limit = kamailio?.timeout_ms;
      return limit !== undefined && deliver >= limit ? { deliver_timeout_ms: deliver, kamailio_timeout_ms: limit } : undefined;
    },
  },
  {
    code: "resolve-and-deliver-outlast-kamailio-timeout",
    problem: "a MESSAGE to a domain that needs DNS first (two rounds of dns_timeout_ms) can outlast Kamailio's timer: the sender gets 504",
    check: ({ cfg, hellos: { kamailio } }) => {
      const deliver = deliverTimeoutMs(cfg, kamailio);
      const limit = kamailio?.timeout_ms;
      if (limit === undefined || deliver >= limit) return undefined; // the rule above already says it
      const worst = 2 * cfg.dns_timeout_ms + deliver;
      return worst >= limit ? { dns_timeout_ms: cfg.dns_timeout_ms, deliver_timeout_ms: deliver, kamailio_timeout_ms: limit } : undefined;
    },
  },
  {
    code: "max-stanza-above-prosody-limit",
    problem: "the bridge produces stanzas larger than Prosody's c2s_stanza_size_limit",
    check: ({ cfg, hellos: { prosody } }) => {
      const mine = maxStanzaBytes(cfg, prosody);
      const limit = prosody?.max_stanza;
      return limit !== undefined && mine > limit ? { max_stanza_bytes: mine, prosody_max_stanza: limit } : undefined;
    },
  },
  {
    code: "max-stanza-above-prosody-frame",
    problem: "a stanza this large makes an xmpp.deliver frame over stox_max_frame, and mod_stox closes the link on it",
    check: ({ cfg, hellos: { prosody } }) => {
      const mine = maxStanzaBytes(cfg, prosody);
      const frame = prosody?.max_frame;
      return frame !== undefined && mine + FRAME_MARGIN > frame ? { max_stanza_bytes: mine, prosody_max_frame: frame } : undefined;
    },
  },
  {
    code: "prosody-frame-above-bridge-cap",
    problem: "mod_stox may send frames larger than the bridge reads on its link: such a frame resets the link",
    check: ({ hellos: { prosody } }) => {
      const frame = prosody?.max_frame;
      return frame !== undefined && frame > PROSODY_LINK_MAX_FRAME ? { prosody_max_frame: frame, bridge_max_frame: PROSODY_LINK_MAX_FRAME } : undefined;
    },
  },
  {
    code: "sip-result-timeout-not-below-prosody-done-timeout",
    problem: "mod_stox bounces an XMPP → SIP stanza before the bridge's wait for the SIP answer ends",
    check: ({ cfg, hellos: { prosody } }) => {
      const limit = prosody?.done_timeout_ms;
      return limit !== undefined && cfg.sip_result_timeout_ms >= limit ? { sip_result_timeout_ms: cfg.sip_result_timeout_ms, prosody_done_timeout_ms: limit } : undefined;
    },
  },
  {
    code: "max-sip-above-kamailio-send-limit",
    problem: "the bridge may build a sip.send whose body Kamailio refuses (413 over STOX_SEND_MAX_BODY)",
    check: ({ cfg, hellos: { kamailio } }) => {
      const limit = kamailio?.send_max_body;
      return limit !== undefined && cfg.max_sip_bytes > limit ? { max_sip_bytes: cfg.max_sip_bytes, kamailio_send_max_body: limit } : undefined;
    },
  },
  {
    code: "kamailio-max-body-above-event-cap",
    problem: "Kamailio relays MESSAGEs too large for a sip.message event: the bridge refuses the event and the sender gets 504",
    check: ({ hellos: { kamailio } }) => {
      const body = kamailio?.max_body;
      return body !== undefined && body + SIP_HEADER_ALLOWANCE > SIP_EVENT_MAX_MSG ? { kamailio_max_body: body, bridge_max_message: SIP_EVENT_MAX_MSG - SIP_HEADER_ALLOWANCE } : undefined;
    },
  },
  {
    code: "http-endpoint-overridden",
    problem: "commands go to another address than the one Kamailio announces (STOX_HTTP_IP:STOX_HTTP_PORT)",
    check: ({ cfg, hellos: { kamailio } }) => {
      const announced = parseHttpEndpoint(kamailio?.http);
      const used = commandEndpoint(cfg, kamailio);
      if (announced === undefined || used === undefined) return undefined;
      return used.host !== announced.host || used.port !== announced.port
        ? { commands_to: `${used.host}:${used.port}`, kamailio_http: kamailio!.http! } : undefined;
    },
  },
  {
    code: "http-endpoint-unknown",
    problem: "Kamailio's hello names no usable HTTP endpoint and no override is set: no command can reach Kamailio",
    check: ({ cfg, hellos: { kamailio } }) =>
      kamailio !== undefined && commandEndpoint(cfg, kamailio) === undefined ? { kamailio_http: kamailio.http ?? "(none)" } : undefined,
  },
];

export function checkSettings(input: SettingsInput): SettingsWarning[] {
  const out: SettingsWarning[] = [];
  for (const rule of SETTINGS_RULES) {
    const fields = rule.check(input);
    if (fields !== undefined) out.push({ code: rule.code, problem: rule.problem, fields });
  }
  return out;
}
