/**
 * A cache for texts that repeat across rows (articles, ticket threads, arm replies), so each is
 * fetched or scanned once. Bounded by entries and by characters, so long texts cannot blow memory
 * up; `chars` weighs an entry.
 *
 * Two generations of a plain Map instead of a least-recently-used list: when the newer one is
 * full it becomes the older one and the one before is dropped, and a hit in the older one moves
 * into the newer. What is kept is close to LRU's, at the cost of a Map lookup or two; lru-cache's
 * bookkeeping on every hit was 2.5% of a batch build. A miss only costs a recomputation: what a
 * cache holds never changes an answer.
 */
export class TextCache<V> {
  private newer = new Map<string, V>();
  private older = new Map<string, V>();
  private newerChars = 0;

  constructor(
    /** At most this many entries, and this many characters, in each generation: twice that in all. */
    private readonly entries: number,
    private readonly maxChars: number,
    private readonly chars: (key: string, value: V) => number,
  ) {}

  has(key: string): boolean {
    return this.newer.has(key) || this.older.has(key);
  }

  get(key: string): V | undefined {
    const hit = this.newer.get(key);
    if (hit !== undefined) return hit;
    const old = this.older.get(key);
    if (old !== undefined) {
      this.older.delete(key);
      this.set(key, old);
    }
    return old;
  }

  set(key: string, value: V): void {
    const size = this.chars(key, value);
    if (size > this.maxChars) return;
    if (this.newer.size >= this.entries || this.newerChars + size > this.maxChars) {
      this.older = this.newer;
      this.newer = new Map();
      this.newerChars = 0;
    }
    if (!this.newer.has(key)) this.newerChars += size;
    this.newer.set(key, value);
  }
}

/** A cache of `entries` and `maxChars` in all (half of each per generation). */
export function textCache<V>(entries: number, maxChars: number, chars: (key: string, value: V) => number): TextCache<V> {
  return new TextCache<V>(Math.ceil(entries / 2), Math.ceil(maxChars / 2), chars);
}
