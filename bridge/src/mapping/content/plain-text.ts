/**
 * The plain-text rendering of HTML that goes into `<body/>` (XEP-0071 §4:
 * the body must carry the meaning on its own). Collapses whitespace outside
 * `<pre>`, turns breaks into newlines (at most one blank line in a row) and
 * trims the result. Chunks are kept in an array so appends stay O(1) on
 * large bodies.
 */
export class PlainText {
  private readonly parts: string[] = [];
  /** Newlines owed before the next text (block boundaries): 1 = new line, 2 = blank line. */
  private pending = 0;
  /** Newlines at the very end of the output so far. */
  private trailingNewlines = 0;

  /** A mark for `since()`. */
  get length(): number {
    return this.parts.length;
  }

  /** Text appended after `mark`. */
  since(mark: number): string {
    return this.parts.slice(mark).join("");
  }

  append(s: string, pre: boolean): void {
    let t = pre ? s.replace(/\r\n?/g, "\n") : s.replace(/[\t\n\f\r ]+/g, " ");
    if (!pre && (this.pending > 0 || this.atLineStart() || this.lastChar() === " ")) t = t.replace(/^ /, "");
    if (t === "") return;
    this.flushPending();
    this.push(t);
  }

  /** `<br>` */
  lineBreak(): void {
    this.flushPending();
    this.trimTrailingSpaces();
    this.push("\n");
  }

  /** Block boundary: `n` = 1 (line) or 2 (paragraph); only materialises before later text. */
  blockBreak(n: 1 | 2): void {
    this.pending = Math.max(this.pending, n);
  }

  result(): string {
    return this.parts.join("").replace(/[ \t]+\n/g, "\n").replace(/\n{3,}/g, "\n\n").trim();
  }

  private flushPending(): void {
    if (this.pending === 0) return;
    if (this.parts.length > 0) {
      this.trimTrailingSpaces();
      const missing = this.pending - this.trailingNewlines;
      if (missing > 0) this.push("\n".repeat(missing));
    }
    this.pending = 0;
  }

  private push(t: string): void {
    this.parts.push(t);
    const m = /\n*$/.exec(t.length > 64 ? t.slice(-64) : t);
    const tail = m?.[0].length ?? 0;
    this.trailingNewlines = tail === t.length ? this.trailingNewlines + tail : tail;
  }

  private atLineStart(): boolean {
    return this.parts.length === 0 || this.trailingNewlines > 0;
  }

  private lastChar(): string {
    const last = this.parts[this.parts.length - 1];
    return last === undefined ? "" : last.slice(-1);
  }

  private trimTrailingSpaces(): void {
    while (this.parts.length > 0) {
      const last = this.parts[this.parts.length - 1]!;
      const trimmed = last.replace(/ +$/, "");
      if (trimmed === last) break;
      if (trimmed === "") this.parts.pop();
      else {
        this.parts[this.parts.length - 1] = trimmed;
        break;
      }
    }
    this.trailingNewlines = 0;
    for (let k = this.parts.length - 1; k >= 0; k--) {
      const part = this.parts[k]!;
      const tail = /\n*$/.exec(part.length > 64 ? part.slice(-64) : part)?.[0].length ?? 0;
      this.trailingNewlines += tail;
      if (tail < part.length) break;
    }
  }
}
