/**
 * Validates each evapi event against its schema before its handler runs
 * (docs/wire.md). A malformed or unknown event is counted and logged; it
 * cannot be answered on evapi (one-way), and never stops the reader. The type
 * is looked up in a Map (common/src/wire/frame-table.ts): a frame typed
 * "toString" or "__proto__" is an unknown type like any other.
 */
import { KAMAILIO_FRAMES, type ErrorFrame, type KamailioFrameType, type KamailioHello, type PongFrame, type SipMessageEvent, type SipResultEvent } from "../../../common/src/wire/frames.js";
import { classifyFrame, typeForLog } from "../../../common/src/wire/frame-table.js";
import type { Logger } from "../runtime/log.js";
import type { Metrics } from "../runtime/metrics.js";

export interface KamailioHandlers {
  readonly hello: (f: KamailioHello) => void;
  readonly "sip.message": (f: SipMessageEvent) => void;
  readonly "sip.result": (f: SipResultEvent) => void;
  readonly error: (f: ErrorFrame) => void;
  readonly pong: (f: PongFrame) => void;
}

export function dispatchKamailioEvent(value: unknown, handlers: KamailioHandlers, metrics: Metrics, log: Logger): void {
  const c = classifyFrame(KAMAILIO_FRAMES, value);
  switch (c.kind) {
    case "unknown-type":
      metrics.frame("kamailio", "unknown-type");
      log.warn("unknown evapi event", { type: typeForLog(c.type) });
      return;
    case "invalid":
      metrics.frame("kamailio", "invalid");
      log.warn("invalid evapi event", { type: c.type, path: c.problem.path, problem: c.problem.message });
      return;
    case "frame":
      metrics.frame("kamailio", c.type);
      handlerFor(handlers, c.type)(c.frame);
  }
}

/** The handler of a known type (the table's keys and the handlers' names are the same closed set). */
function handlerFor(handlers: KamailioHandlers, type: KamailioFrameType): (f: unknown) => void {
  return handlers[type] as (f: unknown) => void;
}
