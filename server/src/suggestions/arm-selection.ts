import { createHash } from 'node:crypto';
import type { Slot } from '../../../lib/contract';
import type { Arm } from './arms-config';

/**
 * Everything random about an impression is derived from its id, so it can be recomputed and
 * audited later: which arms were asked, and the left-to-right order they were shown in.
 */
export function seeded(impressionId: string, purpose: string): () => number {
  const digest = createHash('sha256').update(`${purpose}:${impressionId.toLowerCase()}`).digest();
  let state = digest.readUInt32LE(0) || 1;
  // xorshift32: plenty for picking among a handful of arms.
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * All arms in the order this impression asks them: the champion first (the one arm a single-arm
 * suggestion shows; until a turn promotes another, the first configured arm), then the challengers
 * in a weighted random order (weighted sampling without replacement), so a pairwise suggestion is
 * the champion against a challenger and a failed champion falls back to a challenger.
 */
export function armOrder(arms: readonly Arm[], impressionId: string, champion?: string | null): Arm[] {
  const random = seeded(impressionId, 'arms');
  const first = arms.find((a) => a.id === champion) ?? arms[0];
  const pool = arms.filter((a) => a !== first);
  const order: Arm[] = first ? [first] : [];
  while (pool.length > 0) {
    const total = pool.reduce((s, a) => s + a.weight, 0);
    let pick = random() * total;
    let index = pool.findIndex((a) => (pick -= a.weight) < 0);
    if (index < 0) index = pool.length - 1;
    order.push(pool.splice(index, 1)[0]!);
  }
  return order;
}

/** Left-to-right order of the shown slots: A/B swapped for half of all impressions (position bias is measured from it). */
export function displayOrder(impressionId: string, slots: readonly Slot[]): Slot[] {
  const sorted = [...slots].sort();
  if (sorted.length < 2) return sorted;
  return seeded(impressionId, 'order')() < 0.5 ? sorted : sorted.reverse();
}
