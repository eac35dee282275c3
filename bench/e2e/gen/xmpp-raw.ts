/**
 * A deliberately small XMPP c2s client for load generation: SCRAM-SHA-1 login
 * over plaintext loopback, resource binding, initial presence, then raw
 * stanza strings out and a cheap scan of what comes in (no XML tree per
 * stanza). It is not a general client: it understands exactly what Prosody
 * 0.12 sends to a benchmark account (features, SASL, bind result, messages,
 * error stanzas) and skips everything else.
 */
import net from "node:net";
import crypto from "node:crypto";

export interface RawLogin {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  readonly user: string;
  readonly password: string;
  readonly resource: string;
}

/** One message or error stanza as seen on the wire. */
export interface Incoming {
  /** The text between <body> and </body> (still XML-escaped), or undefined. */
  readonly body: string | undefined;
  /** The id attribute, or undefined. */
  readonly id: string | undefined;
  readonly error: boolean;
}

const STREAM_OPEN = (domain: string) =>
  `<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' to='${domain}' version='1.0'>`;

export class RawXmppClient {
  private buf = "";
  private onStanza: ((s: Incoming) => void) | undefined;

  private constructor(readonly socket: net.Socket, readonly jid: string) {}

  /** Connects and logs in; rejects after `timeoutMs`. */
  static async connect(login: RawLogin, timeoutMs = 15000): Promise<RawXmppClient> {
    const socket = net.connect({ host: login.host, port: login.port });
    socket.setNoDelay(true);
    socket.setEncoding("utf8");
    let text = "";
    let waiter: (() => void) | undefined;
    const onData = (d: string) => { text += d; waiter?.(); };
    socket.on("data", onData);
    const failed = new Promise<never>((_, reject) => {
      socket.once("error", reject);
      socket.once("close", () => reject(new Error(`xmpp ${login.user}: connection closed during login: ${text.slice(-300)}`)));
    });
    failed.catch(() => {});
    const deadline = Date.now() + timeoutMs;
    /** Waits until `re` matches the unread text; returns the match and drops the text up to its end. */
    const expect = async (re: RegExp, what: string): Promise<RegExpExecArray> => {
      for (;;) {
        const m = re.exec(text);
        if (m) { text = text.slice(m.index + m[0].length); return m; }
        if (/<failure|<stream:error/.test(text)) throw new Error(`xmpp ${login.user}: ${what} failed: ${text.slice(0, 300)}`);
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`xmpp ${login.user}: timeout waiting for ${what}: ${text.slice(0, 300)}`);
        await Promise.race([failed, new Promise<void>((r) => { const t = setTimeout(r, left); waiter = () => { clearTimeout(t); r(); }; })]);
      }
    };

    await Promise.race([failed, new Promise<void>((r) => socket.once("connect", () => r()))]);
    socket.write(STREAM_OPEN(login.domain));
    await expect(/<\/stream:features>/, "features");

    // SCRAM-SHA-1 (RFC 5802), no channel binding
    const cnonce = crypto.randomBytes(18).toString("base64");
    const clientFirstBare = `n=${login.user},r=${cnonce}`;
    socket.write(`<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>${Buffer.from("n,," + clientFirstBare).toString("base64")}</auth>`);
    const ch = await expect(/<challenge[^>]*>([^<]*)<\/challenge>/, "SASL challenge");
    const serverFirst = Buffer.from(ch[1]!, "base64").toString("utf8");
    const attrs = Object.fromEntries(serverFirst.split(",").map((kv) => [kv[0], kv.slice(2)]));
    if (!attrs.r?.startsWith(cnonce) || attrs.s === undefined || attrs.i === undefined) throw new Error(`xmpp ${login.user}: bad SCRAM challenge ${serverFirst}`);
    const salted = crypto.pbkdf2Sync(login.password, Buffer.from(attrs.s, "base64"), Number(attrs.i), 20, "sha1");
    const clientKey = crypto.createHmac("sha1", salted).update("Client Key").digest();
    const storedKey = crypto.createHash("sha1").update(clientKey).digest();
    const finalNoProof = `c=biws,r=${attrs.r}`;
    const authMessage = `${clientFirstBare},${serverFirst},${finalNoProof}`;
    const signature = crypto.createHmac("sha1", storedKey).update(authMessage).digest();
    const proof = Buffer.alloc(clientKey.length);
    for (let i = 0; i < proof.length; i++) proof[i] = clientKey[i]! ^ signature[i]!;
    socket.write(`<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>${Buffer.from(`${finalNoProof},p=${proof.toString("base64")}`).toString("base64")}</response>`);
    await expect(/<success[^>]*(\/>|>[^<]*<\/success>)/, "SASL success");

    socket.write(STREAM_OPEN(login.domain));
    await expect(/<\/stream:features>/, "post-auth features");
    socket.write(`<iq type='set' id='bind1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>${login.resource}</resource></bind></iq>`);
    const bound = await expect(/<jid>([^<]+)<\/jid>/, "bind");
    await expect(/<\/iq>/, "bind result end");
    socket.write("<presence/>");

    socket.off("data", onData);
    const client = new RawXmppClient(socket, bound[1]!);
    client.buf = text;
    socket.on("data", (d: string) => client.scan(d));
    socket.on("error", () => {});
    return client;
  }

  /** Called for every <message/> that arrives (messages only; presence and iq are skipped). */
  onMessage(fn: (s: Incoming) => void): void {
    this.onStanza = fn;
  }

  write(raw: string): boolean {
    return this.socket.write(raw);
  }

  close(): void {
    if (!this.socket.destroyed) this.socket.end("</stream:stream>");
    setTimeout(() => this.socket.destroy(), 500).unref();
  }

  /** Everything up to the last complete </message> is consumed; the rest waits for more data. */
  private scan(chunk: string): void {
    this.buf += chunk;
    let from = 0;
    for (;;) {
      const end = this.buf.indexOf("</message>", from);
      if (end < 0) break;
      const start = this.buf.lastIndexOf("<message", end);
      if (start >= from) this.emit(this.buf.slice(start, end));
      from = end + 10;
    }
    if (from > 0) this.buf = this.buf.slice(from);
    // only non-message stanzas (presence, iq) can pile up here: keep the tail bounded
    if (this.buf.length > 1 << 20) this.buf = this.buf.slice(-65536);
  }

  private emit(stanza: string): void {
    const head = stanza.slice(0, stanza.indexOf(">") + 1);
    const b0 = stanza.indexOf("<body>");
    const b1 = b0 < 0 ? -1 : stanza.indexOf("</body>", b0);
    const idm = /\sid=['"]([^'"]*)['"]/.exec(head);
    this.onStanza?.({
      body: b1 > 0 ? stanza.slice(b0 + 6, b1) : undefined,
      id: idm ? idm[1] : undefined,
      error: /\stype=['"]error['"]/.test(head),
    });
  }
}
