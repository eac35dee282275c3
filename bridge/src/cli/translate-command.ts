/**
 * `stox translate sip2xmpp` (raw SIP MESSAGE on stdin) and
 * `stox translate xmpp2sip` (stanza XML on stdin): print what stox would send,
 * or the error answer the sender would get.
 */
import { parseSipRequest } from "../../../common/src/sip/parse-request.js";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";
import { renderSipRequest } from "../../../common/src/sip/render-request.js";
import { newBranch, newTag } from "../../../common/src/sip/header-values.js";
import type { Failure } from "../../../common/src/failure.js";
import { sipToXmpp } from "../mapping/sip-to-xmpp.js";
import { xmppToSip, PAGER_MODE_LIMIT } from "../mapping/xmpp-to-sip.js";
import { errorStanza } from "../mapping/error-stanza.js";
import { failureJson, failureText, parseArgs, readAll, type CliIo } from "./io.js";
import { UsageError } from "./stox.js";

export async function translateCommand(argv: string[], io: CliIo): Promise<number> {
  const { flags, positional } = parseArgs(argv, ["sip-domains", "xmpp-domains", "max-bytes"]);
  const json = flags.has("json");
  const input = await readAll(io.stdin);
  const list = (k: string) => { const v = flags.get(k); return new Set(typeof v === "string" ? v.split(",").filter(Boolean) : []); };
  const refuse = (f: Failure, extra: Record<string, unknown> = {}) => {
    io.stdout.write(json ? JSON.stringify({ error: { ...failureJson(f), ...extra } }) + "\n" : failureText(f) + (extra.stanza ? `${String(extra.stanza)}\n` : ""));
    return 2;
  };

  if (positional[0] === "sip2xmpp") {
    // Tools and shells often end lines with LF only; the parser accepts both.
    const req = parseSipRequest(input);
    if (!req.ok) return refuse(req.error);
    const out = sipToXmpp(req.value, { localSipDomains: list("sip-domains"), maxStanzaBytes: 65536 });
    if (!out.ok) return refuse(out.error);
    io.stdout.write(json ? JSON.stringify({ out: { stanza: out.value.xml, from: out.value.stanza.attrs.from, to: out.value.stanza.attrs.to, target: out.value.target } }) + "\n" : out.value.xml + "\n");
    return 0;
  }
  if (positional[0] === "xmpp2sip") {
    const stanza = parseStanza(input.toString("utf8").trim());
    if (!stanza.ok) return refuse(stanza.error);
    const maxBytes = Number(flags.get("max-bytes") ?? PAGER_MODE_LIMIT);
    const wire = { viaSentBy: "127.0.0.1:5060", transport: "UDP" as const, branch: newBranch(), fromTag: newTag(), cseq: 1 };
    const out = xmppToSip(stanza.value, { localXmppDomains: list("xmpp-domains"), maxSipBytes: maxBytes, wire });
    if (!out.ok) {
      const original = { name: stanza.value.name, ...stanza.value.attrs } as { name: string; from?: string; to?: string; id?: string };
      const answer = errorStanza(original, { condition: out.error.xmpp, type: out.error.type, text: out.error.detail });
      return refuse(out.error, { stanza: answer.toString() });
    }
    if (out.value.kind === "ignore") {
      io.stdout.write(json ? JSON.stringify({ out: null, ignored: out.value.reason }) + "\n" : `nothing to send (${out.value.reason})\n`);
      return 0;
    }
    const rendered = renderSipRequest(out.value.message, wire);
    io.stdout.write(json ? JSON.stringify({ out: { ...out.value.message, bytes: out.value.sipBytes, sip: rendered.toString("utf8") } }) + "\n" : rendered.toString("utf8") + "\n");
    return 0;
  }
  throw new UsageError("translate takes sip2xmpp or xmpp2sip");
}
