import type { MetricsResponse } from '../../lib/contract/metrics';
import { WeekChart } from './charts/week-chart';
import { modelMarkers, rateSeries, weekAxis } from './series';

/** Can the labels be trusted? Position bias, rushed decisions, and whether what agents say matches what they send. */
export function QualityPage({ metrics }: { metrics: MetricsResponse }) {
  const { axis, filled: weeks } = weekAxis(metrics.weeks);
  const markers = modelMarkers(metrics);
  return (
    <section aria-labelledby="quality-heading">
      <h2 id="quality-heading">Annotation quality</h2>
      <div className="charts">
        <WeekChart
          title="Position bias: the reply shown on the left won (50% is unbiased)"
          weeks={axis}
          markers={markers}
          series={[rateSeries('left wins', weeks, (w) => w.quality.leftWins)]}
        />
        <WeekChart
          title={`Too fast: preferences decided within ${(metrics.tooFastMs / 1000).toFixed(1)} s of the suggestion`}
          weeks={axis}
          markers={markers}
          series={[rateSeries('too fast', weeks, (w) => w.quality.tooFast)]}
        />
        <WeekChart
          title="Consistency: the inserted reply was the one the agent preferred"
          weeks={axis}
          markers={markers}
          series={[rateSeries('preference matches adoption', weeks, (w) => w.quality.preferenceMatchesAdoption)]}
        />
        <WeekChart title="Both replies judged bad / preferences" weeks={axis} markers={markers} series={[rateSeries('both bad', weeks, (w) => w.bothBad)]} />
      </div>
      <p className="empty">Inter-agent agreement and volume per agent need an API read that does not exist yet.</p>
    </section>
  );
}
