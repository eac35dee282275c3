/** `stox error --sip 486` / `stox error --xmpp item-not-found --bare`: RFC 7247 §7 Tables 2 and 3. */
import { sipAnswerForStanzaError, stanzaErrorForSipAnswer } from "../../../common/src/rfc7247-errors.js";
import { isStanzaCondition } from "../../../common/src/stanza-errors.js";
import { parseArgs, type CliIo } from "./io.js";
import { UsageError } from "./stox.js";

export function errorCommand(argv: string[], io: CliIo): number {
  const { flags } = parseArgs(argv, ["sip", "xmpp", "text", "contact"]);
  const json = flags.has("json");
  const sip = flags.get("sip");
  const cond = flags.get("xmpp");
  if (typeof sip === "string") {
    if (!/^[1-6]\d\d$/.test(sip)) throw new UsageError("--sip takes a status code 100..699");
    const contact = flags.get("contact");
    const e = stanzaErrorForSipAnswer({ code: Number(sip), ...(typeof contact === "string" ? { contact } : {}), ...(flags.has("leak-safe") ? { leakSafe: true } : {}) });
    if (e === null) {
      io.stdout.write(json ? JSON.stringify({ out: null, note: "1xx/2xx are not errors" }) + "\n" : "no error: 1xx/2xx are not mapped\n");
      return 0;
    }
    io.stdout.write(json ? JSON.stringify({ out: { xmpp: e.condition, type: e.type, ...(e.gone ? { gone: e.gone } : {}) } }) + "\n" : `<${e.condition}/> type='${e.type}'\n`);
    return 0;
  }
  if (typeof cond === "string") {
    if (!isStanzaCondition(cond)) io.stderr.write(`note: ${cond} is not a defined condition; treated as undefined-condition (RFC 6120 §8.3.2)\n`);
    const text = flags.get("text");
    const a = sipAnswerForStanzaError({
      condition: cond, target: flags.has("full") ? "full" : "bare",
      ...(typeof text === "string" ? { text } : {}),
      ...(flags.has("resolution-timeout") ? { resolutionTimedOut: true } : {}),
    });
    io.stdout.write(json ? JSON.stringify({ out: { sip: a.code, reason: a.reason, ...(a.contact ? { contact: a.contact } : {}), ...(a.allow ? { allow: a.allow } : {}) } }) + "\n" : `${a.code} ${a.reason}\n`);
    return 0;
  }
  throw new UsageError("error needs --sip <code> or --xmpp <condition>");
}
