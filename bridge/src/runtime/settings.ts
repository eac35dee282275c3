/**
 * The settings the bridge takes from the hosts' hellos (docs/operations.md
 * "Settings from the hosts"). The host configs are the single source of
 * truth: stox.cfg's `STOX_HTTP_*` and `STOX_TIMEOUT`, Prosody's
 * `c2s_stanza_size_limit` and `stox_max_frame`. A bridge option of the same
 * meaning only overrides. Pure.
 *
 *   commandEndpoint({}, { http: "127.0.0.1:8449", … }) → { host: "127.0.0.1", port: 8449, from: "hello" }
 *   deliverTimeoutMs({}, { timeout_ms: 10000, … })     → 4000
 */
import type { KamailioHello, ProsodyHello } from "../../../common/src/wire/frames.js";
import type { BridgeConfig } from "./config.js";

export type SettingsOptions = Pick<BridgeConfig, "kamailio_http_host" | "kamailio_http_port" | "deliver_timeout_ms" | "max_stanza_bytes">;

/** The hellos received so far (the latest of each host). */
export interface Hellos {
  readonly kamailio?: KamailioHello;
  readonly prosody?: ProsodyHello;
}

export interface CommandEndpoint {
  readonly host: string;
  readonly port: number;
  /** "hello": as Kamailio announced it; "option": an override took part. */
  readonly from: "hello" | "option";
}

/**
 * Share of Kamailio's STOX_TIMEOUT the bridge waits for Prosody's outcome. The
 * rest is for classifying an unknown domain first (up to two rounds of DNS,
 * docs/resolution.md) and the `sip.resume` round trip, so that the sender gets
 * the bridge's 408 rather than Kamailio's 504 (stox.cfg's failure route).
 */
export const DELIVER_SHARE_OF_KAMAILIO_TIMEOUT = 0.4;
/** Before Kamailio's hello, or from a Kamailio that does not announce its timeout. */
export const FALLBACK_DELIVER_TIMEOUT_MS = 4000;
/** Before Prosody's hello, or from a Prosody that announces no limit. */
export const FALLBACK_MAX_STANZA_BYTES = 65536;
/** mod_stox's default `stox_max_frame`, and what the bridge reads on the Prosody link. */
export const PROSODY_LINK_MAX_FRAME = 262144;
/** Room a frame needs around its XML: mod_stox keeps the same margin (`max_xml = stox_max_frame - 1024`). */
export const FRAME_MARGIN = 1024;

/**
 * `"127.0.0.1:8449"`, `"[::1]:8449"` or `"::1:8449"` (stox.cfg joins
 * STOX_HTTP_IP and STOX_HTTP_PORT with a colon) → host and port.
 */
export function parseHttpEndpoint(text: string | undefined): { host: string; port: number } | undefined {
  if (text === undefined) return undefined;
  const m = /^\[([0-9A-Fa-f:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([0-9A-Za-z.-]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*):(\d{1,5})$/.exec(text);
  if (m === null) return undefined;
  const port = Number(m[2]);
  return port >= 1 && port <= 65535 ? { host: m[1]!, port } : undefined;
}

/** Where commands go: the hello's `http`, each part overridable; undefined while a part is missing. */
export function commandEndpoint(cfg: SettingsOptions, kamailio: KamailioHello | undefined): CommandEndpoint | undefined {
  const announced = parseHttpEndpoint(kamailio?.http);
  const host = cfg.kamailio_http_host ?? announced?.host;
  const port = cfg.kamailio_http_port ?? announced?.port;
  if (host === undefined || port === undefined) return undefined;
  const overridden = cfg.kamailio_http_host !== undefined || cfg.kamailio_http_port !== undefined;
  return { host, port, from: overridden ? "option" : "hello" };
}

export function deliverTimeoutMs(cfg: SettingsOptions, kamailio: KamailioHello | undefined): number {
  if (cfg.deliver_timeout_ms !== undefined) return cfg.deliver_timeout_ms;
  const t = kamailio?.timeout_ms;
  return t === undefined ? FALLBACK_DELIVER_TIMEOUT_MS : Math.max(1, Math.floor(t * DELIVER_SHARE_OF_KAMAILIO_TIMEOUT));
}

/** The largest stanza Prosody takes, and that fits in a frame mod_stox reads. */
export function maxStanzaBytes(cfg: SettingsOptions, prosody: ProsodyHello | undefined): number {
  if (cfg.max_stanza_bytes !== undefined) return cfg.max_stanza_bytes;
  if (prosody === undefined) return FALLBACK_MAX_STANZA_BYTES;
  const frameRoom = (prosody.max_frame ?? PROSODY_LINK_MAX_FRAME) - FRAME_MARGIN;
  return Math.max(1, Math.min(prosody.max_stanza ?? FALLBACK_MAX_STANZA_BYTES, frameRoom));
}

export interface EffectiveSettings {
  readonly commandEndpoint: CommandEndpoint | undefined;
  readonly deliverTimeoutMs: number;
  readonly maxStanzaBytes: number;
}

export function effectiveSettings(cfg: SettingsOptions, hellos: Hellos): EffectiveSettings {
  return {
    commandEndpoint: commandEndpoint(cfg, hellos.kamailio),
    deliverTimeoutMs: deliverTimeoutMs(cfg, hellos.kamailio),
    maxStanzaBytes: maxStanzaBytes(cfg, hellos.prosody),
  };
}
