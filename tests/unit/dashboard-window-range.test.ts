import { describe, expect, it } from 'vitest';
import { shareSeries, sftDriftSeries } from '../../dashboard/src/drift-series';
import { customRange, windowOf } from '../../dashboard/src/window-range';

describe('custom date ranges', () => {
  it('run from the start of the first day to the end of the last (UTC), both inclusive', () => {
    const checked = customRange('2026-11-02', '2026-11-15');
    expect(checked).toEqual({ range: { kind: 'custom', from: '2026-11-02', to: '2026-11-15' } });
    if (!('range' in checked)) throw new Error('refused');
    expect(windowOf(checked.range)).toEqual({ from: '2026-11-02T00:00:00.000Z', to: '2026-11-16T00:00:00.000Z' });
  });

  it('refuse what the API would, saying which field to fix', () => {
    expect(customRange('', '2026-11-15')).toMatchObject({ field: 'from' });
    expect(customRange('2026-11-02', '2026-02-30')).toMatchObject({ field: 'to' }); // no 30 February
    expect(customRange('2026-11-15', '2026-11-02')).toEqual({ error: 'The start date must be on or before the end date.', field: 'from' });
    expect(customRange('2024-01-01', '2026-01-01')).toMatchObject({ error: expect.stringMatching(/at most 731 days/) });
    expect(customRange('2024-01-01', '2025-12-31')).toHaveProperty('range'); // 731 days
  });

  it('presets end now', () => {
    const now = new Date('2026-12-02T07:00:00.000Z');
    expect(windowOf({ kind: 'preset', weeks: 4 }, now)).toEqual({ from: '2026-11-04T07:00:00.000Z', to: '2026-12-02T07:00:00.000Z' });
  });
});

describe('drift series', () => {
  const metrics = (synthetic: number, outcomes: Record<string, number>, adoptions?: number) => ({
    sftRows: 10,
    meanReplyChars: 100,
    ...(adoptions !== undefined && { adoptions, inserted: adoptions }),
    outcomeShares: outcomes,
    armShares: {},
    distinct2: 0.5,
    distinct2Windows: 3,
    distinct2StdErr: 0.02,
    syntheticShare: synthetic,
  });
  const gens = [
    { batch: 1, metrics: metrics(0.2, { as_is: 0.5, discarded: 0.5 }) },
    { batch: 2, metrics: metrics(0.3, { as_is: 0.75 }, 8) },
  ];

  it('carries each share with its counts, and says when a generation did not record its denominator', () => {
    const [synthetic, distinct] = sftDriftSeries(gens);
    expect(synthetic!.points.map((p) => p.detail)).toEqual(['20.0% (2 / 10)', '30.0% (3 / 10)']);
    expect(distinct!.points[1]!.detail).toBe('0.500 ± 0.020 (standard error over 3 windows of replies)');
    const outcomes = shareSeries(gens, (m) => m.outcomeShares, (m) => m.adoptions);
    expect(outcomes.map((s) => s.name)).toEqual(['as_is', 'discarded']);
    expect(outcomes[0]!.points.map((p) => p.detail)).toEqual(['50.0% (denominator not recorded)', '75.0% (6 / 8)']);
    // An outcome missing from a generation that has others was 0 there, not unknown.
    expect(outcomes[1]!.points[1]).toEqual({ value: 0, detail: '0.0% (0 / 8)' });
  });
});
