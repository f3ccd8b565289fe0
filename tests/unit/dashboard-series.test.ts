import { describe, expect, it } from 'vitest';
import { isoWeek, rateText } from '../../dashboard/src/format';
import { armSeries, rateSeries, weekAxis } from '../../dashboard/src/series';
import type { PeriodMetrics, Rate } from '../../lib/contract/metrics';

const rate = (numerator: number, denominator: number): Rate => ({ rate: denominator ? numerator / denominator : null, numerator, denominator });
const week = (monday: string, strict: Rate): PeriodMetrics => ({
  week: monday,
  impressions: strict.denominator,
  adoptionStrict: strict,
  adoptionLenient: strict,
  precisionAt8: rate(0, 0),
  precisionAt8ByReranker: [],
  precisionAt8ByVersion: [],
  bothBad: rate(0, 0),
  arms: [{ armId: 'x', model: 'm', promptVersion: 'p', shown: 4, adoptionStrict: strict, adoptionLenient: strict, comparisons: 3, winRate: 2 / 3, bradleyTerry: 0.7 }],
  quality: { leftWins: rate(0, 0), tooFast: rate(0, 0), preferenceMatchesAdoption: rate(0, 0) },
});

describe('dashboard series', () => {
  it('names ISO weeks as ISO 8601 does, across a year boundary', () => {
    expect(isoWeek('2026-11-02T00:00:00.000Z')).toBe('2026-W45');
    expect(isoWeek('2024-12-30T00:00:00.000Z')).toBe('2025-W01'); // Monday of the week holding 2 January
    expect(isoWeek('2021-01-04T00:00:00.000Z')).toBe('2021-W01');
    expect(isoWeek('2020-12-28T00:00:00.000Z')).toBe('2020-W53');
  });

  it('keeps quiet weeks on the axis as gaps, so a line never joins weeks that are not adjacent', () => {
    const { axis, filled } = weekAxis([week('2026-11-02T00:00:00.000Z', rate(1, 4)), week('2026-11-23T00:00:00.000Z', rate(3, 4))]);
    expect(axis).toEqual(['2026-11-02T00:00:00.000Z', '2026-11-09T00:00:00.000Z', '2026-11-16T00:00:00.000Z', '2026-11-23T00:00:00.000Z']);
    const strict = rateSeries('strict', filled, (w) => w.adoptionStrict);
    expect(strict.points.map((p) => p.value)).toEqual([0.25, null, null, 0.75]);
    expect(strict.points[0]!.detail).toBe('25.0% (1 / 4)');
    expect(strict.points[1]!.detail).toBe('no suggestions shown this week');
    expect(armSeries(filled, 'bradleyTerry')[0]!.points.map((p) => p.value)).toEqual([0.7, null, null, 0.7]);
  });

  it('says a rate over nothing is no number, with its counts', () => {
    expect(rateText(rate(0, 0))).toBe('– (0 / 0)');
    expect(weekAxis([])).toEqual({ axis: [], filled: [] });
  });
});
