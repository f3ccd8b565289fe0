import type { ArmMetrics, MetricsResponse, PeriodMetrics, Rate } from '../../lib/contract/metrics';
import type { ChartMarker, ChartPoint, ChartSeries } from './charts/week-chart';
import { percent, rateText } from './format';

const fromRate = (rate: Rate | undefined): ChartPoint => (rate ? { value: rate.rate, detail: rateText(rate) } : { value: null, detail: 'not served this week' });

/** A series of one rate per week. */
export const rateSeries = (name: string, weeks: PeriodMetrics[], pick: (w: PeriodMetrics) => Rate | undefined): ChartSeries => ({
  name,
  points: weeks.map((w) => fromRate(pick(w))),
});

/** Online precision@8 of each retriever + reranker pair that served, one series each. */
export function precisionByVersion(weeks: PeriodMetrics[]): ChartSeries[] {
  const keys = [...new Set(weeks.flatMap((w) => w.precisionAt8ByVersion.map((v) => `${v.retriever} + ${v.reranker}`)))].sort();
  return keys.map((key) =>
    rateSeries(key, weeks, (w) => w.precisionAt8ByVersion.find((v) => `${v.retriever} + ${v.reranker}` === key)?.precisionAt8),
  );
}

const armName = (a: Pick<ArmMetrics, 'armId' | 'model' | 'promptVersion'>) => `${a.armId} (${a.model}, ${a.promptVersion})`;

/** Per arm, per week: the strength-weighted win rate or the Bradley–Terry strength, with the comparisons behind it. */
export function armSeries(weeks: PeriodMetrics[], measure: 'winRate' | 'bradleyTerry'): ChartSeries[] {
  const names = [...new Set(weeks.flatMap((w) => w.arms.map(armName)))].sort();
  return names.map((name) => ({
    name,
    points: weeks.map((w): ChartPoint => {
      const arm = w.arms.find((a) => armName(a) === name);
      if (!arm) return { value: null, detail: 'not shown this week' };
      const value = arm[measure];
      return {
        value,
        detail: `${measure === 'winRate' ? 'win rate' : 'Bradley–Terry strength'} ${percent(value)} over ${arm.comparisons} comparisons (shown ${arm.shown} times)`,
      };
    }),
  }));
}

/** Every promotion and rollback, for the time axis. */
export const modelMarkers = (metrics: MetricsResponse): ChartMarker[] =>
  metrics.models.map((m) => ({ at: m.at, label: `${m.action} ${m.kind} ${m.version} (${m.at.slice(0, 16).replace('T', ' ')} UTC): ${m.reason}` }));
