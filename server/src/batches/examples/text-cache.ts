import { LRUCache } from 'lru-cache';

/**
 * A least-recently-used cache for texts that repeat across rows (articles, ticket threads, arm
 * replies), so each is fetched or scanned once. Bounded by entries and by characters, so long texts
 * cannot blow memory up; `chars` weighs an entry (lru-cache wants at least 1).
 */
export function textCache<V extends {}>(entries: number, maxChars: number, chars: (key: string, value: V) => number): LRUCache<string, V> {
  return new LRUCache<string, V>({ max: entries, maxSize: maxChars, sizeCalculation: (value, key) => Math.max(1, chars(key, value)) });
}
