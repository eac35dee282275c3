/** Shared builders for mapping tests. */
import { parseSipRequest } from "../../../common/src/sip/parse-request.js";
import { parseStanza } from "../../../common/src/xmpp/parse-stanza.js";
import type { SipRequest } from "../../../common/src/sip/message.js";
import type { Element } from "@xmpp/xml";
import fs from "node:fs";

export function sipMessage(opts: { ruri?: string; from?: string; to?: string; headers?: string[]; body?: string | Buffer; ctype?: string | null } = {}): SipRequest {
  const body = typeof opts.body === "string" || opts.body === undefined ? Buffer.from(opts.body ?? "hello", "utf8") : opts.body;
  const head = [
    `MESSAGE ${opts.ruri ?? "sip:juliet@xmpp.example"} SIP/2.0`,
    "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK1",
    "Max-Forwards: 70",
    `From: ${opts.from ?? "<sip:romeo@sip.example>"};tag=1`,
    `To: ${opts.to ?? "<sip:juliet@xmpp.example>"}`,
    "Call-ID: call-1@host",
    "CSeq: 1 MESSAGE",
    ...(opts.ctype === null ? [] : [`Content-Type: ${opts.ctype ?? "text/plain"}`]),
    ...(opts.headers ?? []),
    `Content-Length: ${body.length}`,
  ];
  const r = parseSipRequest(Buffer.concat([Buffer.from(head.join("\r\n") + "\r\n\r\n"), body]));
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

export function stanza(xmlText: string): Element {
  const r = parseStanza(xmlText);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

export const sipCtx = { localSipDomains: new Set(["sip.example", "example.net"]), maxStanzaBytes: 65536 };
export const xmppCtx = {
  localXmppDomains: new Set<string>(),
  maxSipBytes: 1300,
  wire: { viaSentBy: "127.0.0.1:5060", transport: "UDP" as const, branch: "z9hG4bK" + "a".repeat(24), fromTag: "0123456789abcdef", cseq: 1 },
};

export function vectors(): any {
  return JSON.parse(fs.readFileSync(new URL("../../../../spec/vectors.json", import.meta.url), "utf8"));
}
