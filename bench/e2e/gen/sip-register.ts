/**
 * REGISTERs AORs at Kamailio from a given UDP socket, so that lookup() in
 * Kamailio sends their MESSAGEs to that socket's address (the example cfg
 * stores the source address with fix_nated_register). Used for the SIP UAS
 * worker, and for the native sipp UAS: registered from the port sipp then
 * binds.
 */
import dgram from "node:dgram";
import crypto from "node:crypto";

export async function registerAors(sock: dgram.Socket, kamailioPort: number, domain: string, aors: readonly string[], expires = 3600): Promise<void> {
  const port = sock.address().port;
  const waiting = new Map<string, (code: number) => void>();
  const onMessage = (raw: Buffer) => {
    const text = raw.toString("latin1");
    if (!text.startsWith("SIP/2.0 ")) return;
    const code = Number(text.slice(8, 11));
    const m = /^(?:call-id|i)[ \t]*:[ \t]*(\S+)/im.exec(text);
    if (m && code >= 200) waiting.get(m[1]!)?.(code);
  };
  sock.on("message", onMessage);
  try {
    for (const user of aors) {
      const callId = `${crypto.randomUUID()}@127.0.0.1`;
      const code = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`REGISTER ${user}@${domain}: no final answer in 5 s`)), 5000);
        waiting.set(callId, (c) => { clearTimeout(timer); resolve(c); });
        sock.send([
          `REGISTER sip:${domain} SIP/2.0`,
          `Via: SIP/2.0/UDP 127.0.0.1:${port};branch=z9hG4bK${crypto.randomBytes(8).toString("hex")};rport`,
          "Max-Forwards: 70",
          `From: <sip:${user}@${domain}>;tag=${crypto.randomBytes(4).toString("hex")}`,
          `To: <sip:${user}@${domain}>`,
          `Call-ID: ${callId}`,
          "CSeq: 1 REGISTER",
          `Contact: <sip:${user}@127.0.0.1:${port}>`,
          `Expires: ${expires}`,
          "Content-Length: 0", "", "",
        ].join("\r\n"), kamailioPort, "127.0.0.1");
      });
      waiting.delete(callId);
      if (code !== 200) throw new Error(`REGISTER ${user}@${domain}: ${code}`);
    }
  } finally {
    sock.off("message", onMessage);
  }
}

/** Registers `aors` from 127.0.0.1:`port` and releases the port (for a sipp UAS to bind next). */
export async function registerFromPort(port: number, kamailioPort: number, domain: string, aors: readonly string[]): Promise<void> {
  const sock = dgram.createSocket("udp4");
  await new Promise<void>((resolve, reject) => { sock.once("error", reject); sock.bind(port, "127.0.0.1", () => resolve()); });
  try {
    await registerAors(sock, kamailioPort, domain, aors);
  } finally {
    await new Promise<void>((r) => sock.close(() => r()));
  }
}
