/** `stox address <uri-or-jid>`: SIP/SIPS/IM/PRES URI in → JID out; JID in → SIP URI out (RFC 7247 §6). */
import { formatJid, jidToSipUri, sipUriToJid } from "../../../common/src/address/index.js";
import { failureJson, failureText, parseArgs, type CliIo } from "./io.js";
import { UsageError } from "./stox.js";

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

export function addressCommand(argv: string[], io: CliIo): number {
  const { flags, positional } = parseArgs(argv, ["ctx"]);
  const input = positional[0];
  if (input === undefined || positional.length > 1) throw new UsageError("address takes one argument");
  const ctx = flags.get("ctx") ?? "ruri";
  if (ctx !== "ruri" && ctx !== "to" && ctx !== "from") throw new UsageError("--ctx is ruri, to or from");
  const json = flags.has("json");
  // A JID cannot start with "scheme:" (':' is forbidden in a localpart), so this split is unambiguous.
  const r = URI_SCHEME.test(input)
    ? (() => { const j = sipUriToJid(input, ctx); return j.ok ? { ok: true as const, value: formatJid(j.value) as string } : j; })()
    : jidToSipUri(input, { scheme: flags.has("im") ? "im" : "sip" });
  if (r.ok) {
    io.stdout.write(json ? JSON.stringify({ out: r.value }) + "\n" : r.value + "\n");
    return 0;
  }
  io.stdout.write(json ? JSON.stringify({ error: failureJson(r.error) }) + "\n" : failureText(r.error));
  return 2;
}
