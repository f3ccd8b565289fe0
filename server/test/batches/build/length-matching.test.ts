import { describe, expect, it } from 'vitest';
import { bandOf, bandQuotas, lengthBands } from '../../../src/batches/build/length-matching';

describe('length-matched synthetic cap', () => {
  it('bands replies by the deciles of human reply lengths', () => {
    const edges = lengthBands(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(edges).toEqual([11, 21, 31, 41, 51, 61, 71, 81, 91]);
    expect(bandOf(edges, 1)).toBe(0);
    expect(bandOf(edges, 11)).toBe(0);
    expect(bandOf(edges, 12)).toBe(1);
    expect(bandOf(edges, 5000)).toBe(9);
    expect(lengthBands([])).toEqual([]);
    expect(bandOf([], 300)).toBe(0);
    // Many equal lengths make fewer bands, never empty ones.
    expect(lengthBands([50, 50, 50, 50, 120])).toEqual([50]);
  });

  it('keeps synthetic targets in proportion to the human ones per band, exactly as many as allowed', () => {
    expect(bandQuotas(30, [10, 10, 10], [100, 100, 100])).toEqual([10, 10, 10]);
    // A short band gives what it cannot use to the others, in their proportions.
    expect(bandQuotas(30, [10, 10, 20], [2, 100, 100])).toEqual([2, 9, 19]);
    // Not enough candidates: all of them.
    expect(bandQuotas(30, [1, 1], [5, 6])).toEqual([5, 6]);
    // No human targets at all: an even spread (one band in practice).
    expect(bandQuotas(7, [0], [20])).toEqual([7]);
    const q = bandQuotas(101, [3, 7, 11, 13], [40, 40, 40, 40]);
    expect(q.reduce((a, b) => a + b, 0)).toBe(101);
  });
});
