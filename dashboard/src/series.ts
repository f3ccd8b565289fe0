import type { ArmMetrics, MetricsResponse, PeriodMetrics, Rate } from '../../lib/contract/metrics';
import type { ChartMarker, ChartPoint, ChartSeries } from './charts/week-chart';
import { percent, rateText } from './format';

const WEEK_MS = 7 * 86_400_000;
/** A week the API has no row for: nothing was shown. */
export type Week = PeriodMetrics | null;

/**
 * Every ISO week from the first with activity to the last, quiet weeks as null: the API lists only
 * weeks with suggestions, and a line must not join two weeks across a gap as if they were adjacent.
 */
export function weekAxis(weeks: PeriodMetrics[]): { axis: string[]; filled: Week[] } {
  if (weeks.length === 0) return { axis: [], filled: [] };
  const byWeek = new Map(weeks.map((w) => [w.week, w]));
  const axis: string[] = [];
  for (let t = Date.parse(weeks[0]!.week); t <= Date.parse(weeks[weeks.length - 1]!.week); t += WEEK_MS) axis.push(new Date(t).toISOString());
  return { axis, filled: axis.map((w) => byWeek.get(w) ?? null) };
}

const QUIET: ChartPoint = { value: null, detail: 'no suggestions shown this week' };
const fromRate = (rate: Rate | undefined): ChartPoint => (rate ? { value: rate.rate, detail: rateText(rate) } : { value: null, detail: 'not served this week' });

/** A series of one rate per week. */
export const rateSeries = (name: string, weeks: Week[], pick: (w: PeriodMetrics) => Rate | undefined): ChartSeries => ({
  name,
  points: weeks.map((w) => (w ? fromRate(pick(w)) : QUIET)),
});

/** Online precision@8 of each retriever + reranker pair that served, one series each. */
export function precisionByVersion(weeks: Week[]): ChartSeries[] {
  const keys = [...new Set(weeks.flatMap((w) => (w?.precisionAt8ByVersion ?? []).map((v) => `${v.retriever} + ${v.reranker}`)))].sort();
  return keys.map((key) =>
    rateSeries(key, weeks, (w) => w.precisionAt8ByVersion.find((v) => `${v.retriever} + ${v.reranker}` === key)?.precisionAt8),
  );
}

const armName = (a: Pick<ArmMetrics, 'armId' | 'model' | 'promptVersion'>) => `${a.armId} (${a.model}, ${a.promptVersion})`;

/** Per arm, per week: the strength-weighted win rate or the Bradley–Terry strength, with the comparisons behind it. */
export function armSeries(weeks: Week[], measure: 'winRate' | 'bradleyTerry'): ChartSeries[] {
  const names = [...new Set(weeks.flatMap((w) => (w?.arms ?? []).map(armName)))].sort();
  return names.map((name) => ({
    name,
    points: weeks.map((w): ChartPoint => {
      if (!w) return QUIET;
      const arm = w.arms.find((a) => armName(a) === name);
      if (!arm) return { value: null, detail: 'not shown this week' };
      const value = arm[measure];
      const ci = measure === 'winRate' ? arm.winRateInterval : null;
      return {
        value,
        interval: ci ?? null,
        detail: `${measure === 'winRate' ? 'win rate' : 'Bradley–Terry strength'} ${percent(value)}${ci ? `, 95% interval ${percent(ci.low)}–${percent(ci.high)},` : ''} over ${arm.comparisons} comparisons (shown ${arm.shown} times)`,
      };
    }),
  }));
}

/** Every promotion and rollback, for the time axis. */
export const modelMarkers = (metrics: MetricsResponse): ChartMarker[] =>
  metrics.models.map((m) => ({ at: m.at, label: `${m.action} ${m.kind} ${m.version} (${m.at.slice(0, 16).replace('T', ' ')} UTC): ${m.reason}` }));
