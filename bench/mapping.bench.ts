/**
 * Mapping micro-benchmark (issue: ≥ 50,000 messages/s on one core for a
 * typical 200-byte text message each way). Reports figures; asserts nothing.
 *   npm run bench:mapping
 */
import { parseSipRequest } from "../common/src/sip/parse-request.js";
import { parseStanza } from "../common/src/xmpp/parse-stanza.js";
import { sipToXmpp } from "../bridge/src/mapping/sip-to-xmpp.js";
import { xmppToSip } from "../bridge/src/mapping/xmpp-to-sip.js";
import { htmlToXhtmlIm } from "../bridge/src/mapping/content/xhtml-im.js";

const BODY = "Hello Juliet! This is a typical pager-mode text message of about two hundred bytes, with a few words, " +
  "punctuation, an ümlaut and an emoji 🙂 so that the UTF-8 paths are exercised too. See you at nine.";

const SIP = Buffer.from([
  "MESSAGE sip:juliet@xmpp.example SIP/2.0",
  "Via: SIP/2.0/UDP 127.0.0.1:5090;branch=z9hG4bK776asdhds",
  "Max-Forwards: 70",
  "From: <sip:romeo@sip.example;gr=phone>;tag=49583",
  "To: <sip:juliet@xmpp.example>",
  "Call-ID: asd88asd77a@1.2.3.4",
  "CSeq: 1 MESSAGE",
  "Subject: Tonight",
  "Content-Language: en",
  "Content-Type: text/plain;charset=UTF-8",
  `Content-Length: ${Buffer.byteLength(BODY)}`,
  "", BODY,
].join("\r\n"));

const STANZA = `<message from='juliet@xmpp.example/balcony' to='romeo@sip.example' id='m1' type='chat' xml:lang='en'>` +
  `<subject>Tonight</subject><thread>29377446-0CBB-4296-8958-590D79094C50</thread><body>${BODY}</body></message>`;

const sipCtx = { localSipDomains: new Set(["sip.example"]), maxStanzaBytes: 65536 };
const xmppCtx = {
  localXmppDomains: new Set(["xmpp.example"]), maxSipBytes: 1300,
  wire: { viaSentBy: "127.0.0.1:5060", transport: "UDP" as const, branch: "z9hG4bK" + "0".repeat(24), fromTag: "0123456789abcdef", cseq: 1 },
};

function sipToXmppOnce(): void {
  const req = parseSipRequest(SIP);
  if (!req.ok) throw new Error(req.error.detail);
  const out = sipToXmpp(req.value, sipCtx);
  if (!out.ok) throw new Error(out.error.detail);
}

function xmppToSipOnce(): void {
  const st = parseStanza(STANZA);
  if (!st.ok) throw new Error(st.error.detail);
  const out = xmppToSip(st.value, xmppCtx);
  if (!out.ok || out.value.kind !== "send") throw new Error("mapping failed");
}

function measure(name: string, fn: () => void, seconds = 3): { name: string; perSecond: number } {
  for (let i = 0; i < 2000; i++) fn(); // warm-up (JIT)
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(seconds * 1e9);
  while (process.hrtime.bigint() < deadline) {
    for (let i = 0; i < 500; i++) fn();
    n += 500;
  }
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  return { name, perSecond: Math.round(n / secs) };
}

const results = [measure("sip-to-xmpp (parse SIP + map + serialise stanza)", sipToXmppOnce), measure("xmpp-to-sip (parse stanza + map + size SIP)", xmppToSipOnce)];
for (const r of results) console.log(`${r.name}: ${r.perSecond.toLocaleString("en")} msg/s (goal ≥ 50,000)`);
console.log(JSON.stringify({ bench: "mapping", node: process.version, body_bytes: Buffer.byteLength(BODY), results }));

// 60 KB HTML bodies, typical and pathological (the inputs of test/unit/content/xhtml-im.test.ts
// "large input"): each must stay linear, well under 2 s.
const HTML_CHUNK = "<p class=x onclick='y()'>Hello <b>world</b> &amp; <a href='https://e.example/?a=1&b=2'>link</a><script>bad()</script><br></p>";
const HTML_60K: Array<[string, string]> = [
  ["mixed markup", HTML_CHUNK.repeat(Math.ceil(60_000 / HTML_CHUNK.length))],
  ["'<' × 60000", "<".repeat(60_000)], ["'<a ' × 20000", "<a ".repeat(20_000)], ["'</x>' × 15000", "</x>".repeat(15_000)],
  ["'<div>' × 12000 in a table", "<p><table>" + "<div>".repeat(12_000)], ["'<script>' × 7000", "<script>".repeat(7_000)],
  ["'&#' × 30000", "&#".repeat(30_000)], ["'<!--' × 15000", "<!--".repeat(15_000)],
];
const html = HTML_60K.map(([name, text]) => {
  const t0 = process.hrtime.bigint();
  htmlToXhtmlIm(text);
  return { name, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
});
for (const h of html) console.log(`text/html 60 KB, ${h.name}: ${h.ms.toFixed(1)} ms (goal < 2000)`);
console.log(JSON.stringify({ bench: "html-60k", node: process.version, results: html }));
