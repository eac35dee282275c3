/**
 * A fake Prosody speaking the real wire protocol (docs/wire.md): connects to
 * the bridge's socket, says hello, records frames, and answers deliveries
 * with a chosen outcome.
 */
import net from "node:net";
import { decodeMsgpack, encodeFrame, LengthPrefixedDecoder } from "../../common/src/wire/length-prefixed.js";

export class FakeProsody {
  readonly frames: any[] = [];
  private socket!: net.Socket;
  private waiters = new Set<() => void>();
  closed = false;
  /** Outcome for each xmpp.deliver (undefined = never answer). */
  outcome: (frame: any) => Record<string, unknown> | undefined = () => ({ outcome: "delivered" });
  /** false = a half-open peer: pings go unanswered. */
  answerPings = true;

  constructor(private readonly path: string, private readonly hello: Record<string, unknown> = {}) {}

  async connect(): Promise<void> {
    this.socket = net.connect(this.path);
    await new Promise<void>((resolve, reject) => { this.socket.once("connect", resolve); this.socket.once("error", reject); });
    this.socket.on("error", () => {});
    this.socket.on("close", () => { this.closed = true; this.wake(); });
    const dec = new LengthPrefixedDecoder(1 << 22);
    this.socket.on("data", (chunk) => {
      for (const p of dec.push(chunk)) {
        const f = decodeMsgpack(p) as any;
        this.frames.push(f);
        if (f.type === "xmpp.deliver") {
          const o = this.outcome(f);
          if (o !== undefined) this.send({ type: "xmpp.outcome", v: 1, id: `o-${f.id}`, ref: f.id, ...o });
        }
        if (f.type === "ping" && this.answerPings) this.send({ type: "pong", v: 1, id: `p-${f.id}`, ref: f.id });
      }
      this.wake();
    });
    this.send({ type: "hello", v: 1, id: "h1", role: "prosody", version: "fake", hosts: ["xmpp.example"], components: ["sip.example"], sip_domains: [], ...this.hello });
  }

  send(value: unknown): void {
    this.sendRaw(encodeFrame(value));
  }

  sendRaw(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  of(type: string): any[] {
    return this.frames.filter((f) => f.type === type);
  }

  async until(pred: () => boolean, ms = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`fake prosody: timeout waiting for ${what}`);
      await new Promise<void>((r) => { const t = setTimeout(r, 20); this.waiters.add(() => { clearTimeout(t); r(); }); });
    }
  }

  private wake(): void {
    for (const w of this.waiters) w();
    this.waiters.clear();
  }

  close(): void {
    this.socket.destroy();
  }
}
