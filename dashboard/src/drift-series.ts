import type { z } from 'zod';
import type { DriftMetrics, DriftReport } from '../../lib/contract/batch';
import type { ChartPoint, ChartSeries } from './charts/week-chart';
import { percent } from './format';

type Drift = z.infer<typeof DriftReport>;
type Generation = { batch: number; metrics: DriftMetrics };

/** The generations of a drift report, oldest first, the batch itself last. */
export function generations(drift: Drift, batch: number): Generation[] {
  return [...drift.history, { batch, metrics: drift.current }];
}

/** "41.2% (7 / 17)" from a share and its denominator; the share alone when the denominator was not recorded. */
function shareOf(share: number | undefined, denominator: number | undefined): ChartPoint {
  if (share === undefined) return { value: null, detail: 'not in this generation' };
  if (denominator === undefined) return { value: share, detail: `${percent(share)} (denominator not recorded)` };
  return { value: share, detail: `${percent(share)} (${Math.round(share * denominator)} / ${denominator})` };
}

/** Synthetic share of the SFT replies and their distinct-2 diversity, per generation. */
export function sftDriftSeries(gens: Generation[]): ChartSeries[] {
  return [
    { name: 'synthetic share of SFT rows', points: gens.map((g) => shareOf(g.metrics.syntheticShare, g.metrics.sftRows)) },
    {
      name: 'distinct-2 of SFT replies',
      points: gens.map((g) => ({
        value: g.metrics.distinct2,
        detail:
          g.metrics.distinct2StdErr === undefined
            ? g.metrics.distinct2.toFixed(3)
            : `${g.metrics.distinct2.toFixed(3)} ± ${g.metrics.distinct2StdErr.toFixed(3)} (standard error over ${g.metrics.distinct2Windows ?? '?'} windows of replies)`,
      })),
    },
  ];
}

/** One series per key of a share record (adoption outcomes or arms), over the given denominator. */
export function shareSeries(gens: Generation[], pick: (m: DriftMetrics) => Record<string, number>, denominator: (m: DriftMetrics) => number | undefined): ChartSeries[] {
  const keys = [...new Set(gens.flatMap((g) => Object.keys(pick(g.metrics))))].sort();
  return keys.map((key) => ({ name: key, points: gens.map((g) => shareOf(pick(g.metrics)[key] ?? (Object.keys(pick(g.metrics)).length > 0 ? 0 : undefined), denominator(g.metrics))) }));
}
