import { hash } from 'node:crypto';

/** A number in [0, 1) from a hash of the parts: the basis of every sampling decision, so builds repeat. */
export function hashRank(...parts: string[]): number {
  const h = hash('sha256', parts.join('\u0000'), 'buffer');
  return (h.readUInt32BE(0) * 2 ** 21 + (h.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/** The largest rank among the `k` smallest (every rank at or below it is kept); -1 keeps none. */
export function rankThreshold(ranks: number[], k: number): number {
  if (k <= 0) return -1;
  if (k >= ranks.length) return 1;
  const sorted = Float64Array.from(ranks).sort();
  return sorted[k - 1]!;
}
