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

/** "0.193 ± 0.004 (standard error over 12 windows of replies)", or the value alone when no spread was recorded. */
function diversityOf(value: number | undefined, stdErr: number | undefined, windows: number | undefined): ChartPoint {
  if (value === undefined) return { value: null, detail: 'not in this generation' };
  return { value, detail: stdErr === undefined ? value.toFixed(3) : `${value.toFixed(3)} ± ${stdErr.toFixed(3)} (standard error over ${windows ?? '?'} windows of replies)` };
}

/**
 * Synthetic share of the SFT replies and distinct-2 diversity per generation: of the SFT replies,
 * of the model's adopted replies before the cap and of the human-written ones (the last two are
 * what the drift warning compares; absent before aitl-batch/4).
 */
export function sftDriftSeries(gens: Generation[]): ChartSeries[] {
  return [
    { name: 'synthetic share of SFT rows', points: gens.map((g) => shareOf(g.metrics.syntheticShare, g.metrics.sftRows)) },
    { name: 'distinct-2 of SFT replies', points: gens.map(({ metrics: m }) => diversityOf(m.distinct2, m.distinct2StdErr, m.distinct2Windows)) },
    { name: "distinct-2 of the model's adopted replies", points: gens.map(({ metrics: m }) => diversityOf(m.modelDistinct2, m.modelDistinct2StdErr, m.modelDistinct2Windows)) },
    { name: 'distinct-2 of human-written replies', points: gens.map(({ metrics: m }) => diversityOf(m.humanDistinct2, m.humanDistinct2StdErr, m.humanDistinct2Windows)) },
  ];
}

/** One series per key of a share record (adoption outcomes or arms), over the given denominator. */
export function shareSeries(gens: Generation[], pick: (m: DriftMetrics) => Record<string, number>, denominator: (m: DriftMetrics) => number | undefined): ChartSeries[] {
  const keys = [...new Set(gens.flatMap((g) => Object.keys(pick(g.metrics))))].sort();
  return keys.map((key) => ({ name: key, points: gens.map((g) => shareOf(pick(g.metrics)[key] ?? (Object.keys(pick(g.metrics)).length > 0 ? 0 : undefined), denominator(g.metrics))) }));
}
