/**
 * Renders the SIP MESSAGE stox asks Kamailio to send, byte for byte as the
 * pager-mode size rule counts it (RFC 7572 §6, RFC 3428 §8: start line, all
 * headers, body). The Via and tags are the ones Kamailio would add; their
 * lengths are fixed by `WireShape`, so the computed size matches what leaves.
 */
import type { OutgoingMessage } from "./outgoing.js";

export interface WireShape {
  /** sent-by of Kamailio's Via, e.g. `127.0.0.1:5060`. */
  readonly viaSentBy: string;
  readonly transport: "UDP" | "TCP" | "TLS";
  readonly branch: string;
  readonly fromTag: string;
  readonly cseq: number;
}

export function renderSipRequest(m: OutgoingMessage, w: WireShape): Buffer {
  const body = Buffer.from(m.body, "utf8");
  const lines = [
    `MESSAGE ${m.requestUri} SIP/2.0`,
    `Via: SIP/2.0/${w.transport} ${w.viaSentBy};branch=${w.branch}`,
    `Max-Forwards: 70`,
    `From: <${m.fromUri}>;tag=${w.fromTag}`,
    `To: <${m.toUri}>`,
    `Call-ID: ${m.callId}`,
    `CSeq: ${w.cseq} MESSAGE`,
    ...(m.subject !== undefined ? [`Subject: ${m.subject}`] : []),
    ...(m.contentLanguage !== undefined ? [`Content-Language: ${m.contentLanguage}`] : []),
    `Content-Type: ${m.contentType}`,
    `Content-Length: ${body.length}`,
  ];
  return Buffer.concat([Buffer.from(lines.join("\r\n") + "\r\n\r\n", "utf8"), body]);
}
