/**
 * Near-duplicate detection in bounded memory: MinHash signatures with locality-sensitive hashing.
 * The index keeps only each item's signature (a few dozen 32-bit numbers) and its band buckets,
 * never the texts, so a million completions fit in tens of megabytes.
 */

export const fnv1a = (s: string): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
};

// murmur3's finaliser: a cheap, well-mixed 32-bit permutation.
export const mix = (h: number): number => {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
};

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words; placeholders such as [EMAIL_1] and digits count as words too. */
export const words = (text: string): string[] => text.toLowerCase().match(WORD) ?? [];

/** fnv1a of `w.slice(from, to).join(' ')`, without building the string (the batch build hashes millions). */
function fnv1aJoined(w: readonly string[], from: number, to: number): number {
  let h = 0x811c9dc5;
  for (let k = from; k < to; k++) {
    if (k > from) {
      h ^= 32;
      h = Math.imul(h, 0x01000193);
    }
    const s = w[k]!;
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
  }
  return h >>> 0;
}

/** Word n-grams as hashes (a text shorter than n is one gram). */
export function shingles(text: string, n: number): number[] {
  const w = words(text);
  if (w.length === 0) return [];
  if (w.length <= n) return [fnv1aJoined(w, 0, w.length)];
  const out: number[] = [];
  for (let i = 0; i + n <= w.length; i++) out.push(fnv1aJoined(w, i, i + n));
  return out;
}

export interface MinHashOptions {
  bands: number;
  rows: number;
  /** Estimated Jaccard similarity at or above which two items are the same. */
  threshold: number;
}

export class MinHashIndex {
  private readonly size: number;
  private readonly salts: Uint32Array;
  private signatures: Uint32Array;
  private count = 0;
  private readonly buckets: Map<number, number | number[]>[];
  /** The first item stored with each whole signature, by a hash of its band keys (a collision is checked row by row). */
  private readonly exact = new Map<number, number>();
  /** Per item, the last `find` that scored it (`visits` counts finds). */
  private visited = new Uint32Array(0);
  private visits = 0;
  /** Fewest equal rows that reach the threshold (same / size >= threshold, as `search` scores). */
  private readonly reaching: number;
  /** Fewest whole bands an item that reaches the threshold shares with the signature it matches. */
  private readonly sharedBands: number;

  constructor(private readonly options: MinHashOptions) {
    this.size = options.bands * options.rows;
    this.salts = new Uint32Array(this.size).map((_, i) => mix(0x9e3779b9 + i * 0x632be5ab));
    this.signatures = new Uint32Array(this.size * 1024);
    this.buckets = Array.from({ length: options.bands }, () => new Map());
    let reaching = Math.max(0, Math.floor(options.threshold * this.size) - 1);
    while (reaching < this.size && reaching / this.size < options.threshold) reaching++;
    this.reaching = reaching;
    this.sharedBands = Math.max(0, options.bands - (this.size - reaching));
  }

  get items(): number {
    return this.count;
  }

  signature(grams: readonly number[]): Uint32Array {
    const sig = new Uint32Array(this.size).fill(0xffffffff);
    for (const g of grams) {
      for (let i = 0; i < this.size; i++) {
        const h = mix(g ^ this.salts[i]!);
        if (h < sig[i]!) sig[i] = h;
      }
    }
    return sig;
  }

  /** The item an earlier `add` stored that `sig` matches at the threshold, or -1: the best match, the earliest of equals. */
  find(sig: Uint32Array): number {
    return this.search(sig, false);
  }

  /** Whether an earlier item matches `sig` at the threshold (`find(sig) >= 0`), stopping at the first one that does. */
  matches(sig: Uint32Array): boolean {
    return this.search(sig, true) >= 0;
  }

  /**
   * The candidates are the items in `sig`'s band buckets. An item that reaches the threshold
   * (`reaching` equal rows) misses at most `size - reaching` rows, so it shares at least
   * `bands - (size - reaching)` whole bands with `sig`, and is in that many of its buckets: with
   * fewer buckets hit there is no match, and the largest buckets but that many minus one can be
   * left unread (any match is also in another one). The answer is the same; only the reading is less.
   */
  private search(sig: Uint32Array, first: boolean): number {
    const hits: (number | number[])[] = [];
    let whole = 0;
    for (let b = 0; b < this.options.bands; b++) {
      const key = this.bandKey(sig, b);
      whole = mix(whole ^ key);
      const hit = this.buckets[b]!.get(key);
      if (hit !== undefined) hits.push(hit);
    }
    if (hits.length < this.sharedBands) return -1;
    // The same signature stored before is the best match there is, and the first one stored is the earliest.
    const equal = this.exact.get(whole);
    if (equal !== undefined && this.sameRows(sig, equal, this.size) === this.size) return equal;
    if (this.sharedBands > 1) {
      // Stable, so the order of what is read stays the band order (the answer does not depend on it either way).
      const length = (hit: number | number[]) => (typeof hit === 'number' ? 1 : hit.length);
      const largest = hits
        .map((hit, i) => i)
        .sort((x, y) => length(hits[y]!) - length(hits[x]!) || x - y)
        .slice(0, this.sharedBands - 1);
      for (const i of largest.sort((x, y) => y - x)) hits.splice(i, 1);
    }
    let best = -1;
    let bestScore = -1;
    // An item sharing several bands with `sig` is scored once: its score is the same in each.
    if (this.visited.length < this.count) {
      const grown = new Uint32Array(Math.max(1024, this.count * 2));
      grown.set(this.visited);
      this.visited = grown;
    }
    const visit = ++this.visits;
    const reaching = this.reaching;
    let bestSame = -1;
    for (const hit of hits) {
      for (const id of typeof hit === 'number' ? [hit] : hit) {
        if (this.visited[id] === visit) continue;
        this.visited[id] = visit;
        // An item that cannot reach the threshold, or beat the best so far (tie: the earlier id), is given up early.
        const needed = Math.max(reaching, id < best ? bestSame : bestSame + 1);
        const same = this.sameRows(sig, id, needed);
        if (same < 0) continue;
        const score = same / this.size;
        // The earliest item wins ties, so the outcome does not depend on bucket order.
        if (score >= this.options.threshold && (score > bestScore || (score === bestScore && id < best))) {
          if (first) return id;
          best = id;
          bestScore = score;
          bestSame = same;
        }
      }
    }
    return best;
  }

  add(sig: Uint32Array): number {
    const id = this.count++;
    if (this.signatures.length < this.count * this.size) {
      const grown = new Uint32Array(this.signatures.length * 2);
      grown.set(this.signatures);
      this.signatures = grown;
    }
    this.signatures.set(sig, id * this.size);
    let whole = 0;
    for (let b = 0; b < this.options.bands; b++) {
      const key = this.bandKey(sig, b);
      whole = mix(whole ^ key);
      const bucket = this.buckets[b]!;
      const hit = bucket.get(key);
      if (hit === undefined) bucket.set(key, id);
      else if (typeof hit === 'number') bucket.set(key, [hit, id]);
      else hit.push(id);
    }
    if (!this.exact.has(whole)) this.exact.set(whole, id);
    return id;
  }

  private bandKey(sig: Uint32Array, band: number): number {
    let h = band;
    for (let r = 0; r < this.options.rows; r++) h = mix(h ^ sig[band * this.options.rows + r]!);
    return h;
  }

  /** How many rows of `sig` equal item `id`'s, or -1 as soon as fewer than `needed` can. */
  private sameRows(sig: Uint32Array, id: number, needed: number): number {
    let same = 0;
    const base = id * this.size;
    const allowedMisses = this.size - needed;
    let misses = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.signatures[base + i] === sig[i]) same++;
      else if (++misses > allowedMisses) return -1;
    }
    return same;
  }
}
