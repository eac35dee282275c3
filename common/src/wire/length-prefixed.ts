/**
 * The Prosody link's framing: 4-byte big-endian length, then a MessagePack
 * map (docs/wire.md). Lua writes it with `string.pack(">s4", payload)`.
 *
 * The decoder is incremental and tolerant of any split or coalescing; a frame
 * over the cap is a protocol violation (`FramingError`) and ends the link.
 */
import { encode, decode } from "@msgpack/msgpack";
import { FramingError } from "./netstring.js";

export { FramingError };

/** `encodeFrame({type:"ping"})` → `<00 00 00 0b> <msgpack bytes>`. */
export function encodeFrame(value: unknown): Buffer {
  const body = encode(value, { ignoreUndefined: true });
  const out = Buffer.allocUnsafe(4 + body.length);
  out.writeUInt32BE(body.length, 0);
  out.set(body, 4);
  return out;
}

export class LengthPrefixedDecoder {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly maxFrame: number) {}

  /** Appends a chunk and returns the raw payload of every completed frame. */
  push(chunk: Uint8Array): Buffer[] {
    this.chunks.push(Buffer.from(chunk));
    this.size += chunk.length;
    const out: Buffer[] = [];
    while (this.size >= 4) {
      const head = this.peek(4);
      const len = head.readUInt32BE(0);
      if (len > this.maxFrame) throw new FramingError(`frame of ${len} bytes exceeds ${this.maxFrame}`);
      if (this.size < 4 + len) break;
      const all = this.take(4 + len);
      out.push(all.subarray(4));
    }
    return out;
  }

  get pending(): number {
    return this.size;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length < n) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0]!.subarray(0, n);
  }

  private take(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    const taken = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.size -= n;
    return taken;
  }
}

/** Decodes one MessagePack payload; throws on malformed bytes (callers catch and answer with an `error` frame). */
export function decodeMsgpack(payload: Uint8Array): unknown {
  return decode(payload, { maxStrLength: 1 << 20, maxBinLength: 1 << 20, maxArrayLength: 4096, maxMapLength: 256 });
}
