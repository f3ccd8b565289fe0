import type { MetricsResponse } from '../../lib/contract/metrics';
import { WeekChart } from './charts/week-chart';
import { day, percent } from './format';
import { HelpfulnessPanel } from './helpfulness-panel';
import { armSeries, modelMarkers, precisionByVersion, rateSeries, weekAxis } from './series';

/** The flywheel by week: does feedback make the next suggestions better? */
export function FlywheelPage({ metrics }: { metrics: MetricsResponse }) {
  const { axis, filled: weeks } = weekAxis(metrics.weeks);
  const markers = modelMarkers(metrics);
  const impressions = metrics.weeks.reduce((n, w) => n + w.impressions, 0);
  const active = metrics.weeks.length;
  return (
    <section aria-labelledby="flywheel-heading">
      <h2 id="flywheel-heading">Flywheel</h2>
      <p className="summary">
        {`${impressions} suggestions shown in ${active} ${active === 1 ? 'week' : 'weeks'} with activity; ${markers.length} model ${markers.length === 1 ? 'change' : 'changes'}.`}
      </p>
      <div className="charts">
        <WeekChart
          title="Adoption (strict: sent as-is; lenient: as-is or lightly edited) / suggestions shown"
          weeks={axis}
          markers={markers}
          series={[rateSeries('strict', weeks, (w) => w.adoptionStrict), rateSeries('lenient', weeks, (w) => w.adoptionLenient)]}
        />
        <WeekChart
          title="Online precision@8: shown articles labelled relevant or partial / labelled"
          weeks={axis}
          markers={markers}
          series={[rateSeries('all versions', weeks, (w) => w.precisionAt8), ...precisionByVersion(weeks)]}
        />
        <WeekChart title="Arm win rate per model version (strength-weighted, ties half), with 95% Wilson intervals" weeks={axis} markers={markers} series={armSeries(weeks, 'winRate')} />
        <WeekChart title="Arm Bradley–Terry strength (arms sum to 100% each week)" weeks={axis} markers={markers} series={armSeries(weeks, 'bradleyTerry')} />
      </div>
      <HelpfulnessPanel helpfulness={metrics.helpfulness} />
      <h3>Model changes and their offline evaluation</h3>
      {metrics.models.length === 0 ? (
        <p className="empty">No model has been promoted or rolled back yet (run `aitl models retrain`).</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Change</th>
              <th scope="col">Reason</th>
              <th scope="col">recall@75 (new / replaced)</th>
              <th scope="col">precision@8 (new / replaced)</th>
              <th scope="col">eval tickets</th>
            </tr>
          </thead>
          <tbody>
            {metrics.models.map((m) => (
              <tr key={`${m.at}-${m.kind}-${m.version}`}>
                <td>{day(m.at)}</td>
                <td>{`${m.action} ${m.kind} ${m.version}`}</td>
                <td>{m.reason}</td>
                <td>{m.offline ? `${percent(m.offline.candidate['recall@75'])} / ${percent(m.offline.replaced['recall@75'])}` : '–'}</td>
                <td>{m.offline ? `${percent(m.offline.candidate['precision@8'])} / ${percent(m.offline.replaced['precision@8'])}` : '–'}</td>
                <td>{m.offline ? m.offline.candidate.tickets : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
