/** The `sip.resume` command that answers one suspended MESSAGE (docs/wire.md). */
import { PROTOCOL_VERSION, type SipMessageEvent, type SipResumeCommand } from "../../../common/src/wire/frames.js";
import { newId } from "../runtime/ids.js";

/** `resumeCommand(ev, { code: 200, reason: "OK" })`; `fields` may add `hdrs`, `route`, `cache`. */
export function resumeCommand(
  ev: Pick<SipMessageEvent, "tindex" | "tlabel">,
  fields: Pick<SipResumeCommand, "code" | "reason"> & Partial<Pick<SipResumeCommand, "hdrs" | "route" | "cache">>,
): SipResumeCommand {
  return { type: "sip.resume", v: PROTOCOL_VERSION, id: newId(), tindex: ev.tindex, tlabel: ev.tlabel, ...fields };
}
