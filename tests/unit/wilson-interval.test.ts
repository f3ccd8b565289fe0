import { describe, expect, it } from 'vitest';
import { wilsonInterval } from '../../server/src/metrics/wilson';
import { withWinRateIntervals } from '../../server/src/metrics/win-rate-intervals';

describe('wilsonInterval', () => {
  // Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in
  // Medicine 17:857-872, Table II, method 3 (score interval without continuity correction).
  it.each([
    [81, 263, 0.2553, 0.3662],
    [15, 148, 0.0624, 0.1605],
    [0, 20, 0, 0.1611],
    [1, 29, 0.0061, 0.1718],
  ])('%i of %i gives the textbook interval', (x, n, low, high) => {
    const ci = wilsonInterval(x, n)!;
    expect(ci.low).toBeCloseTo(low, 4);
    expect(ci.high).toBeCloseTo(high, 4);
  });

  it('is symmetric around a half, stays inside [0, 1], and has nothing to say without trials', () => {
    const ci = wilsonInterval(5, 10)!;
    expect(ci.low + ci.high).toBeCloseTo(1, 12);
    expect(wilsonInterval(10, 10)!.high).toBeCloseTo(1, 12);
    expect(wilsonInterval(10, 10)!.low).toBeCloseTo(1 - 0.27753, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(wilsonInterval(3, 2)).toBeNull();
  });

  it('narrows with more comparisons', () => {
    const few = wilsonInterval(6, 10)!;
    const many = wilsonInterval(600, 1000)!;
    expect(many.high - many.low).toBeLessThan((few.high - few.low) / 5);
  });
});

describe('withWinRateIntervals', () => {
  it('adds an interval to each arm with comparisons and null to the others', () => {
    const rate = { rate: null, numerator: 0, denominator: 0 };
    const arm = (winRate: number | null, comparisons: number) => ({ armId: 'a', model: 'm', promptVersion: 'p', shown: 10, adoptionStrict: rate, adoptionLenient: rate, comparisons, winRate, bradleyTerry: null });
    const week = { week: '2026-11-02T00:00:00.000Z', impressions: 10, adoptionStrict: rate, adoptionLenient: rate, precisionAt8: rate, precisionAt8ByReranker: [], precisionAt8ByVersion: [], bothBad: rate, quality: { leftWins: rate, tooFast: rate, preferenceMatchesAdoption: rate } };
    const out = withWinRateIntervals({ from: week.week, to: week.week, tooFastMs: 1500, weeks: [{ ...week, arms: [arm(81 / 263, 263), arm(null, 0)] }], models: [] } as never);
    const [withCi, without] = out.weeks[0]!.arms;
    expect(withCi!.winRateInterval!.low).toBeCloseTo(0.2553, 4);
    expect(without!.winRateInterval).toBeNull();
  });
});
