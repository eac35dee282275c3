/**
 * The bridge's own options: where to reach the two hosts, and a few limits.
 * What the hosts already know (Kamailio's command endpoint and timeout,
 * Prosody's stanza and frame limits) arrives in their hellos and is not
 * repeated here: the options named after those are overrides, unset by
 * default (bridge/src/runtime/settings.ts, docs/operations.md). Declared once;
 * read from `STOX_*` environment variables or `--name=value` flags; validated
 * with the field name on error.
 */
import { z } from "zod";

export const bridgeConfigSchema = z.object({
  evapi_host: z.string().default("127.0.0.1"),
  evapi_port: z.coerce.number().int().min(1).max(65535).default(8448),
  /** Override of the host in Kamailio's hello `http` (STOX_HTTP_IP), e.g. when the bridge reaches Kamailio at another address. */
  kamailio_http_host: z.string().min(1).optional(),
  /** Override of the port in Kamailio's hello `http` (STOX_HTTP_PORT). */
  kamailio_http_port: z.coerce.number().int().min(1).max(65535).optional(),
  prosody_socket: z.string().default("/run/stox/prosody.sock"),
  prosody_socket_mode: z.coerce.number().int().default(0o660),
  /** Group of the socket file: give it to the account Prosody runs as (Debian: `prosody`). */
  prosody_socket_group: z.string().min(1).optional(),
  secret: z.string().min(8).optional(),
  /** How long the bridge waits for Prosody's delivery outcome; unset = a share of Kamailio's STOX_TIMEOUT. */
  deliver_timeout_ms: z.coerce.number().int().positive().optional(),
  /** How long an XMPP → SIP message waits for the SIP final response (RFC 3261 Timer F is 32 s). */
  sip_result_timeout_ms: z.coerce.number().int().positive().default(35000),
  max_sip_bytes: z.coerce.number().int().min(200).default(1300),
  /** Largest stanza the bridge produces; unset = Prosody's limits from its hello. */
  max_stanza_bytes: z.coerce.number().int().min(10000).optional(),
  via_sent_by: z.string().default("127.0.0.1:5060"),
  per_destination_queue: z.coerce.number().int().positive().default(1000),
  /** All XMPP → SIP messages waiting, across destinations; full → <resource-constraint/> (wait). */
  max_queued: z.coerce.number().int().positive().default(10000),
  /** SIP → XMPP messages being handled at once; beyond → 503 + Retry-After. */
  max_in_flight: z.coerce.number().int().positive().default(2000),
  retry_after_s: z.coerce.number().int().positive().default(5),
  /** Link health: keepalive period on both links; a link silent for longer is re-established. */
  ping_interval_ms: z.coerce.number().int().min(100).default(5000),
  /** Domain resolution (docs/resolution.md): DNS server as IP[:port]; default the first nameserver of /etc/resolv.conf. */
  dns_server: z.string().regex(/^(\[[0-9A-Fa-f:.]+\]|[0-9.]+)(:\d{1,5})?$/, "expected IP[:port], e.g. 127.0.0.1:5353").optional(),
  /** Budget for one DNS question, retransmission included (a lookup asks 2–5 in two rounds). */
  dns_timeout_ms: z.coerce.number().int().min(50).default(2000),
  /** Seconds a "no such record" answer is trusted. */
  dns_negative_ttl: z.coerce.number().int().min(0).default(300),
  /** Seconds a failed lookup (timeout, SERVFAIL) is remembered before DNS is asked again. */
  dns_failure_ttl: z.coerce.number().int().min(0).default(30),
  /** Upper bound on how long any verdict is cached, here and in the adapters. */
  dns_max_ttl: z.coerce.number().int().min(1).default(3600),
  log_level: z.enum(["debug", "info", "warn", "error"]).default("info"),
});

export type BridgeConfig = z.infer<typeof bridgeConfigSchema>;

/** `readConfig(process.env, ["--evapi_port=9000"])`; flags win over the environment. */
export function readConfig(env: NodeJS.ProcessEnv, argv: readonly string[]): BridgeConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(bridgeConfigSchema.shape)) {
    const v = env[`STOX_${key.toUpperCase()}`];
    if (v !== undefined) raw[key] = v;
  }
  for (const arg of argv) {
    const m = /^--([a-z_]+)=(.*)$/s.exec(arg);
    if (!m) throw new Error(`bad option ${arg} (expected --name=value)`);
    if (!Object.hasOwn(bridgeConfigSchema.shape, m[1]!)) throw new Error(`unknown option --${m[1]}`);
    raw[m[1]!] = m[2]!;
  }
  const r = bridgeConfigSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new Error(`config ${i.path.join(".")}: ${i.message}`);
  }
  return r.data;
}
