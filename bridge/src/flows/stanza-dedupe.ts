/**
 * mod_stox re-sends stanzas that were in flight when the link dropped, with
 * the same frame id (docs/wire.md). The bridge remembers recent ids so a
 * re-sent stanza is not sent to SIP twice: while it is still being handled the
 * copy is ignored; once done, the copy is answered with the recorded outcome.
 * Bounded: the oldest entries are forgotten first.
 */
export type StanzaState = { readonly state: "active" } | { readonly state: "done"; readonly outcome: "sent" | "error" };

export class StanzaDedupe {
  private readonly seen = new Map<string, StanzaState>();

  constructor(private readonly capacity = 20000) {}

  /** Returns the earlier state for a repeated id, or undefined (and starts tracking) for a new one. */
  begin(id: string): StanzaState | undefined {
    const earlier = this.seen.get(id);
    if (earlier !== undefined) return earlier;
    this.seen.set(id, { state: "active" });
    if (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value!);
    return undefined;
  }

  finish(id: string, outcome: "sent" | "error"): void {
    if (this.seen.has(id)) this.seen.set(id, { state: "done", outcome });
  }
}
