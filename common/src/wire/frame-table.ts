/**
 * Finding a frame's schema by its `type` field (docs/wire.md). The type is
 * untrusted text: it is looked up in a Map, never as a property of a plain
 * object, so an inherited name ("toString", "constructor", "__proto__"…) is
 * simply an unknown type instead of a function that throws when called.
 *
 *   classifyFrame(KAMAILIO_FRAMES, { type: "toString" }) → { kind: "unknown-type", type: "toString" }
 */
import type { z } from "zod";
import { parseFrame, type FrameProblem } from "./frames.js";

/** A link's frame types and the schema each is validated against. */
export type FrameTable<K extends string> = ReadonlyMap<K, z.ZodType>;

export type Classified<K extends string> =
  | { readonly kind: "frame"; readonly type: K; readonly frame: unknown }
  | { readonly kind: "unknown-type"; readonly type: unknown }
  | { readonly kind: "invalid"; readonly type: K; readonly problem: FrameProblem };

export function classifyFrame<K extends string>(table: FrameTable<K>, value: unknown): Classified<K> {
  const type = typeof value === "object" && value !== null && Object.hasOwn(value, "type") ? (value as { type: unknown }).type : undefined;
  const schema = typeof type === "string" ? table.get(type as K) : undefined;
  if (schema === undefined) return { kind: "unknown-type", type };
  const parsed = parseFrame<unknown>(schema, value);
  return parsed.ok ? { kind: "frame", type: type as K, frame: parsed.frame } : { kind: "invalid", type: type as K, problem: parsed.problem };
}

/** A frame's type for a log line: short, and only if it is text. */
export function typeForLog(type: unknown): string {
  return typeof type === "string" ? type.slice(0, 40) : typeof type;
}
