/**
 * RFC 3428 §8: no new out-of-dialog MESSAGE to a URI while an earlier one to
 * that URI is pending. One FIFO per destination, bounded per key and overall;
 * a full queue is refused at once (the caller answers with a wait-type error).
 */
export class DestinationQueues {
  private readonly queues = new Map<string, Array<() => Promise<void>>>();
  private total = 0;

  constructor(private readonly perKey: number, private readonly overall: number) {}

  /** Runs `task` after every earlier task for `key`; false when refused (full). */
  enqueue(key: string, task: () => Promise<void>): boolean {
    const q = this.queues.get(key);
    if (this.total >= this.overall || (q !== undefined && q.length >= this.perKey)) return false;
    this.total++;
    if (q !== undefined) { q.push(task); return true; }
    this.queues.set(key, [task]);
    void this.drain(key);
    return true;
  }

  get size(): number {
    return this.total;
  }

  private async drain(key: string): Promise<void> {
    const q = this.queues.get(key)!;
    while (q.length > 0) {
      const task = q[0]!;
      try { await task(); } catch { /* a task owns its outcome; never stall the queue */ }
      q.shift();
      this.total--;
    }
    this.queues.delete(key);
  }
}
