import type { MetricsResponse } from '../../../lib/contract';
import { wilsonInterval } from './wilson';

/**
 * Adds a 95% Wilson interval to every arm's win rate, taking the win rate as a share of its
 * comparisons. The strength weights make the rate a weighted mean rather than a plain count, so
 * the interval is an approximation of its uncertainty (about right when most verdicts share a
 * strength); it is there to show when two arms' lines are within noise of each other.
 */
export function withWinRateIntervals(metrics: MetricsResponse): MetricsResponse {
  return {
    ...metrics,
    weeks: metrics.weeks.map((week) => ({
      ...week,
      arms: week.arms.map((arm) => ({
        ...arm,
        winRateInterval: arm.winRate === null ? null : wilsonInterval(arm.winRate * arm.comparisons, arm.comparisons),
      })),
    })),
  };
}
