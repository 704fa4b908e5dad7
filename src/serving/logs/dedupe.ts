/**
 * Remembers the last N entry keys (insertIds), so an entry that arrives twice (backfill overlapping
 * the live stream, a re-read after a reconnect) is shown once. Bounded: a long tail must not grow
 * memory, and a duplicate only ever arrives close to its first copy.
 */
export class DedupeWindow {
  private readonly keys = new Set<string>();
  private readonly order: string[] = [];
  private head = 0;

  constructor(readonly capacity = 10_000) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`capacity: expected a positive integer, got ${capacity}`);
  }

  /** True when the key was seen before (a duplicate); otherwise remembers it and returns false. */
  seen(key: string): boolean {
    if (this.keys.has(key)) return true;
    this.keys.add(key);
    this.order.push(key);
    if (this.order.length - this.head > this.capacity) {
      this.keys.delete(this.order[this.head++]);
      // compact now and then instead of shifting on every add
      if (this.head > this.capacity) {
        this.order.splice(0, this.head);
        this.head = 0;
      }
    }
    return false;
  }

  has(key: string): boolean {
    return this.keys.has(key);
  }

  get size(): number {
    return this.keys.size;
  }

  clear(): void {
    this.keys.clear();
    this.order.length = 0;
    this.head = 0;
  }
}
