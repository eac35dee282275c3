/**
 * Loads spec/vectors.json, the shared test vectors.
 * A missing or malformed file throws: the tests that use it must fail, not skip.
 */
import { readFileSync } from "node:fs";
import { z } from "zod";

export const VECTORS_URL = new URL("../../../../spec/vectors.json", import.meta.url);

const XmppToSip = z.object({
  cond: z.string(),
  jid: z.enum(["bare", "full"]).optional(),
  text: z.string().nullable().optional(),
  case: z.string().optional(),
  sip: z.number().int(),
  not: z.number().int().optional(),
  alt: z.number().int().optional(),
  note: z.string().optional(),
});
const SipToXmpp = z.object({
  sip: z.number().int(),
  cond: z.string().nullable(),
  type: z.string().optional(),
  alt_type: z.string().optional(),
  leak_safe: z.string().optional(),
  note: z.string().optional(),
});
const PagerVector = z.object({ id: z.string(), dir: z.string(), in: z.string(), expect: z.record(z.string(), z.unknown()) });
const Vectors = z.object({
  err_xmpp_to_sip: z.array(XmppToSip).min(1),
  err_sip_to_xmpp: z.array(SipToXmpp).min(1),
  pager_mapping: z.array(PagerVector).min(1),
});
export type SharedVectors = z.infer<typeof Vectors>;

export function loadSharedVectors(): SharedVectors {
  return Vectors.parse(JSON.parse(readFileSync(VECTORS_URL, "utf8")));
}
