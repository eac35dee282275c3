/**
 * Validates each evapi event against its schema before its handler runs.
 * A malformed or unknown event is counted and logged; it
 * cannot be answered on evapi (one-way), and never stops the reader.
 */
import { errorFrame, kamailioHello, parseFrame, pong, sipMessageEvent, sipResultEvent, type ErrorFrame, type KamailioHello, type PongFrame, type SipMessageEvent, type SipResultEvent } from "../../../common/src/wire/frames.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";

export interface KamailioHandlers {
  readonly hello: (f: KamailioHello) => void;
  readonly "sip.message": (f: SipMessageEvent) => void;
  readonly "sip.result": (f: SipResultEvent) => void;
  readonly error: (f: ErrorFrame) => void;
  readonly pong: (f: PongFrame) => void;
}

const SCHEMAS = { hello: kamailioHello, "sip.message": sipMessageEvent, "sip.result": sipResultEvent, error: errorFrame, pong } as const;

export function dispatchKamailioEvent(value: unknown, handlers: KamailioHandlers, metrics: Metrics, log: Logger): void {
  const type = typeof value === "object" && value !== null ? (value as { type?: unknown }).type : undefined;
  if (typeof type !== "string" || !(type in SCHEMAS)) {
    metrics.frame("kamailio", "unknown-type");
    log.warn("unknown evapi event", { type: String(type).slice(0, 40) });
    return;
  }
  const key = type as keyof typeof SCHEMAS;
  const parsed = parseFrame<unknown>(SCHEMAS[key], value);
  if (!parsed.ok) {
    metrics.frame("kamailio", "invalid");
    log.warn("invalid evapi event", { type, path: parsed.problem.path, problem: parsed.problem.message });
    return;
  }
  metrics.frame("kamailio", key);
  (handlers[key] as (f: unknown) => void)(parsed.frame);
}
