/**
 * The wire contracts (docs/wire.md), declared once. TypeScript types are
 * derived from these schemas; the bridge validates every inbound frame here,
 * at the edge, and answers a refusal with the field path and the problem.
 */
import { z } from "zod";

export const PROTOCOL_VERSION = 1;

const id = z.string().min(1).max(128);
const shortText = z.string().max(256);
const domainList = z.array(z.string().min(1).max(253)).max(1024);
const base = { v: z.literal(PROTOCOL_VERSION), id };

// ---------------- Kamailio → bridge (evapi, JSON) ----------------
export const kamailioHello = z.object({
  ...base,
  type: z.literal("hello"),
  role: z.literal("kamailio"),
  version: shortText.optional(),
  sip_domains: domainList.default([]),
  xmpp_domains: domainList.default([]),
  /** `STOX_HTTP_IP:STOX_HTTP_PORT`: where the bridge POSTs its commands. */
  http: shortText.optional(),
  /** STOX_MAX_BODY: the largest MESSAGE body Kamailio hands to the bridge (bytes). */
  max_body: z.number().int().positive().optional(),
  /** STOX_TIMEOUT: how long Kamailio keeps a MESSAGE suspended. */
  timeout_ms: z.number().int().positive().optional(),
  /** STOX_SEND_MAX_BODY: the largest `sip.send` body Kamailio accepts (bytes). */
  send_max_body: z.number().int().positive().optional(),
});

/** The longest whole SIP message a `sip.message` carries as `msg` (characters). */
export const SIP_EVENT_MAX_MSG = 1 << 17;

export const sipMessageEvent = z
  .object({
    ...base,
    type: z.literal("sip.message"),
    tindex: z.string().regex(/^\d{1,10}$/),
    tlabel: z.string().regex(/^\d{1,10}$/),
    ruri: z.string().min(1).max(1024),
    src: shortText.optional(),
    msg: z.string().max(SIP_EVENT_MAX_MSG).optional(),
    msg_b64: z.string().max(1 << 18).optional(),
    /** The R-URI's domain is neither local nor static: classify it first (docs/resolution.md). */
    resolve: z.boolean().optional(),
  })
  .refine((f) => (f.msg === undefined) !== (f.msg_b64 === undefined), { message: "exactly one of msg, msg_b64" });

export const sipResultEvent = z.object({
  ...base,
  type: z.literal("sip.result"),
  ref: id,
  code: z.coerce.number().int().min(100).max(699),
  reason: shortText.optional(),
  evtype: z.coerce.number().int().optional(),
  local: z.union([z.boolean(), z.string()]).optional(),
  /** Which of the `sip.send`'s branches (one per registered contact) this is; absent = 0. */
  branch: z.coerce.number().int().min(0).max(63).optional(),
});

export const kamailioEvent = z.union([kamailioHello, sipMessageEvent, sipResultEvent]);
// (the `pong` and `error` schemas below are shared with the Prosody link)
export type KamailioHello = z.infer<typeof kamailioHello>;
export type SipMessageEvent = z.infer<typeof sipMessageEvent>;
export type SipResultEvent = z.infer<typeof sipResultEvent>;
export type KamailioEvent = z.infer<typeof kamailioEvent>;

// ---------------- bridge → Kamailio (HTTP POST, JSON) ----------------
export interface SipResumeCommand {
  type: "sip.resume"; v: 1; id: string;
  tindex: string; tlabel: string; code: number; reason: string;
  hdrs?: { retry_after?: number; warning?: string; accept?: string; allow?: string; contact?: string };
  /** "native": hand the MESSAGE back to Kamailio's own routing; code/reason answer it if that fails. */
  route?: "native";
  /** The verdict for an event sent with `resolve`, for Kamailio's htable (expires after ttl s). */
  cache?: DomainVerdict;
}
/** A domain's verdict as one adapter caches it: xmpp | sip = which side serves it for that adapter's senders. */
export interface DomainVerdict { domain: string; verdict: "xmpp" | "sip" | "none"; ttl: number }
export interface SipSendCommand {
  type: "sip.send"; v: 1; id: string;
  ruri: string; from: string; to: string; callid: string;
  subject?: string; clang?: string; body: string; ctype: string; lookup: boolean;
}
/**
 * Kamailio's HTTP answer to a `sip.send` it sent: how many MESSAGEs went out
 * (one per registered contact, RFC 3261 §16.6); a `sip.result` follows for
 * each. Absent `branches` = 1.
 */
export const sipSendAccepted = z.object({
  ok: z.literal(true),
  branches: z.number().int().min(1).max(64).optional(),
});
export type SipSendAccepted = z.infer<typeof sipSendAccepted>;

/**
 * The body of Kamailio's HTTP answer to a command (docs/wire.md): `{ok}` (and
 * `error`), or for a `sip.send` refused locally the `sip.result` with its code.
 * Never refused: a field that does not fit is dropped, so whatever Kamailio
 * (or anything on that port) answers, the caller gets a plain object.
 */
export const commandAnswerBody = z.object({
  ok: z.boolean().optional().catch(undefined),
  code: z.coerce.number().int().min(100).max(699).optional().catch(undefined),
  error: z.string().max(1024).optional().catch(undefined),
}).catch({});
export type CommandAnswerBody = z.infer<typeof commandAnswerBody>;

/** Link health: Kamailio answers with a `pong` on the bridge's evapi connection. */
export interface PingCommand { type: "ping"; v: 1; id: string }
export type KamailioCommand = SipResumeCommand | SipSendCommand | PingCommand;
export interface BridgeHelloToKamailio { type: "hello"; v: 1; id: string; role: "bridge"; secret?: string }

// ---------------- Prosody ⇄ bridge (MessagePack) ----------------
export const prosodyHello = z.object({
  ...base,
  type: z.literal("hello"),
  role: z.literal("prosody"),
  version: shortText.optional(),
  hosts: domainList.default([]),
  components: domainList.default([]),
  sip_domains: domainList.default([]),
  /** c2s_stanza_size_limit: the largest stanza Prosody takes (bytes). */
  max_stanza: z.number().int().positive().optional(),
  /** stox_max_frame: the largest frame mod_stox reads; a longer one closes the link (bytes). */
  max_frame: z.number().int().positive().optional(),
  /** stox_done_timeout: how long mod_stox waits for `xmpp.stanza-done` before it bounces the stanza (ms). */
  done_timeout_ms: z.number().int().positive().optional(),
  secret: shortText.optional(),
});

export const xmppOutcome = z.object({
  ...base,
  type: z.literal("xmpp.outcome"),
  ref: id,
  outcome: z.enum(["delivered", "stored", "relayed", "error"]),
  condition: shortText.optional(),
  error_type: shortText.optional(),
  text: z.string().max(1024).optional(),
});

export const xmppStanza = z.object({
  ...base,
  type: z.literal("xmpp.stanza"),
  host: z.string().min(1).max(253),
  xml: z.string().min(1).max(1 << 18),
});

/** mod_stox holds a stanza for a domain it cannot place and asks (docs/resolution.md). */
export const resolveRequest = z.object({
  ...base,
  type: z.literal("resolve"),
  domain: z.string().min(1).max(1023),
});

export const ping = z.object({ ...base, type: z.literal("ping") });
export const pong = z.object({ ...base, type: z.literal("pong"), ref: id.optional() });
export const errorFrame = z.object({
  ...base,
  type: z.literal("error"),
  ref: id.optional(),
  code: shortText,
  message: z.string().max(1024),
});

export const prosodyFrame = z.union([prosodyHello, xmppOutcome, xmppStanza, resolveRequest, ping, pong, errorFrame]);

/** Every frame type the bridge accepts on each link, with its schema (looked up with common/src/wire/frame-table.ts). */
export type KamailioFrameType = "hello" | "sip.message" | "sip.result" | "error" | "pong";
export const KAMAILIO_FRAMES: ReadonlyMap<KamailioFrameType, z.ZodType> = new Map<KamailioFrameType, z.ZodType>([
  ["hello", kamailioHello], ["sip.message", sipMessageEvent], ["sip.result", sipResultEvent], ["error", errorFrame], ["pong", pong],
]);
export type ProsodyFrameType = "hello" | "xmpp.outcome" | "xmpp.stanza" | "resolve" | "ping" | "pong" | "error";
export const PROSODY_FRAMES: ReadonlyMap<ProsodyFrameType, z.ZodType> = new Map<ProsodyFrameType, z.ZodType>([
  ["hello", prosodyHello], ["xmpp.outcome", xmppOutcome], ["xmpp.stanza", xmppStanza], ["resolve", resolveRequest],
  ["ping", ping], ["pong", pong], ["error", errorFrame],
]);
export type ResolveRequest = z.infer<typeof resolveRequest>;
export type ProsodyHello = z.infer<typeof prosodyHello>;
export type XmppOutcome = z.infer<typeof xmppOutcome>;
export type XmppStanzaFrame = z.infer<typeof xmppStanza>;
export type ProsodyFrame = z.infer<typeof prosodyFrame>;
export type ErrorFrame = z.infer<typeof errorFrame>;
export type PongFrame = z.infer<typeof pong>;

export type BridgeToProsody =
  | { type: "hello"; v: 1; id: string; ref: string; role: "bridge"; version: string }
  | { type: "xmpp.deliver"; v: 1; id: string; xml: string }
  | { type: "xmpp.stanza-done"; v: 1; id: string; ref: string; outcome: "sent" | "error" }
  | ({ type: "resolved"; v: 1; id: string; ref: string; timeout?: boolean } & DomainVerdict)
  | { type: "ping"; v: 1; id: string }
  | { type: "pong"; v: 1; id: string; ref: string }
  | { type: "error"; v: 1; id: string; ref?: string; code: string; message: string };

/** A refusal at the edge: the path of the first offending field and why. */
export interface FrameProblem { path: string; message: string }

export type Parsed<T> = { ok: true; frame: T } | { ok: false; problem: FrameProblem };

/** Validates an untrusted decoded value against a frame schema. */
export function parseFrame<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, frame: r.data };
  const issue = r.error.issues[0];
  return {
    ok: false,
    problem: { path: issue?.path.join(".") || "(frame)", message: issue?.message ?? "invalid frame" },
  };
}
