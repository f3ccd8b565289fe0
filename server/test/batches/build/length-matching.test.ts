import { describe, expect, it } from 'vitest';
import { bandOf, bandQuotas, counterLeanShares, lengthBands, syntheticTargets } from '../../../src/batches/build/length-matching';

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

  it('shares the file as the human replies are when the model has no lean, and leans against one it has', () => {
    const round = (xs: number[]) => xs.map((x) => Math.round(x * 1000) / 1000);
    // The model writes like the agents: the agents' mix, exactly.
    expect(round(counterLeanShares([100, 100, 100], [40, 40, 40]))).toEqual([0.333, 0.333, 0.333]);
    expect(round(counterLeanShares([60, 30, 10], [600, 300, 100]))).toEqual([0.6, 0.3, 0.1]);
    // The model over-writes the last band (half its replies, a third of the agents'): that band
    // gets less than the agents' third, by the square root of the ratio (COUNTER_LEAN = 1/2).
    const leaning = counterLeanShares([100, 100, 100], [250, 250, 500]);
    expect(leaning[2]!).toBeLessThan(1 / 3);
    expect(leaning[2]! / leaning[0]!).toBeCloseTo(Math.sqrt(251 / 501), 6);
    expect(leaning.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
    // Strength 0 is the agents' mix whatever the model writes; no model replies at all, too.
    expect(round(counterLeanShares([100, 100, 100], [250, 250, 500], 0))).toEqual([0.333, 0.333, 0.333]);
    expect(round(counterLeanShares([100, 100, 100], [0, 0, 0]))).toEqual([0.333, 0.333, 0.333]);
    // A band the model never wrote in is bounded by the pseudo-replies, not infinite.
    const unwritten = counterLeanShares([100, 100, 100], [0, 500, 500]);
    expect(unwritten.every(Number.isFinite) && unwritten[0]! < 1 && unwritten[1]! > 0).toBe(true);
    expect(counterLeanShares([0, 0], [5, 5])).toEqual([0, 0]);
  });

  it('gives each band the synthetic targets that bring the whole file to its share, as far as candidates allow', () => {
    const round = (xs: number[]) => xs.map((x) => Math.round(x * 100) / 100);
    // Shares equal to the human mix: synthetic targets in the human proportions.
    expect(round(syntheticTargets(30, [10, 20, 30], [100, 100, 100], [1 / 6, 2 / 6, 3 / 6]))).toEqual([5, 10, 15]);
    // Even shares over an uneven human file: the band with most human replies gets no synthetic ones.
    expect(round(syntheticTargets(30, [10, 20, 30], [100, 100, 100], [1 / 3, 1 / 3, 1 / 3]))).toEqual([20, 10, 0]);
    // A band short of candidates gives the rest to the others.
    expect(round(syntheticTargets(30, [10, 20, 30], [5, 100, 100], [1 / 3, 1 / 3, 1 / 3]))).toEqual([5, 17.5, 7.5]);
    const t = syntheticTargets(101, [3, 7, 11, 13], [40, 40, 40, 40], counterLeanShares([3, 7, 11, 13], [40, 10, 10, 40]));
    expect(t.reduce((a, b) => a + b, 0)).toBeCloseTo(101, 6);
  });
});
