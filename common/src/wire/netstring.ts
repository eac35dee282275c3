/**
 * Netstring framing as evapi speaks it: `<decimal length>:<payload>,`
 * (evapi also tolerates whitespace between frames; so do we).
 *
 * The decoder is incremental: feed it chunks split or coalesced at any byte;
 * it yields whole payloads. A malformed stream is unrecoverable (there is no
 * way to find the next frame boundary), so `push` throws `FramingError` and
 * the caller drops the connection.
 */
export class FramingError extends Error {
  override name = "FramingError";
}

/** `encodeNetstring("hi")` → `2:hi,` (length counted in bytes). */
export function encodeNetstring(payload: string | Uint8Array): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload, "utf8") : Buffer.from(payload);
  return Buffer.concat([Buffer.from(`${body.length}:`, "latin1"), body, Buffer.from(",", "latin1")]);
}

const COLON = 0x3a;
const COMMA = 0x2c;
const MAX_DIGITS = 10;

export class NetstringDecoder {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxFrame: number) {}

  /** Appends a chunk and returns every payload completed by it. */
  push(chunk: Uint8Array): Buffer[] {
    this.buf = this.buf.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.buf, chunk]);
    const out: Buffer[] = [];
    let pos = 0;
    for (;;) {
      while (pos < this.buf.length && isSpace(this.buf[pos]!)) pos++;
      if (pos >= this.buf.length) break;
      const colon = this.buf.indexOf(COLON, pos);
      const digitsEnd = colon === -1 ? this.buf.length : colon;
      for (let i = pos; i < digitsEnd; i++) {
        const c = this.buf[i]!;
        if (c < 0x30 || c > 0x39) throw new FramingError(`netstring: unexpected byte 0x${c.toString(16)} in length`);
      }
      if (digitsEnd - pos > MAX_DIGITS) throw new FramingError("netstring: length prefix too long");
      if (colon === -1) break; // length digits split by the read: wait for more
      if (colon === pos) throw new FramingError("netstring: empty length");
      const len = Number(this.buf.toString("latin1", pos, colon));
      if (len > this.maxFrame) throw new FramingError(`netstring: frame of ${len} bytes exceeds ${this.maxFrame}`);
      const end = colon + 1 + len;
      if (end >= this.buf.length) break; // need payload and the trailing comma
      if (this.buf[end] !== COMMA) throw new FramingError("netstring: missing ',' terminator");
      out.push(this.buf.subarray(colon + 1, end));
      pos = end + 1;
    }
    this.buf = pos === 0 ? this.buf : Buffer.from(this.buf.subarray(pos));
    return out;
  }

  /** Bytes held while waiting for the rest of a frame. */
  get pending(): number {
    return this.buf.length;
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}
