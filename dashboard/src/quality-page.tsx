import { useQuery } from '@tanstack/react-query';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { fetchAgreement, refusal, type Window } from './api';
import { WeekChart } from './charts/week-chart';
import { AgreementTable } from './agreement-table';
import { modelMarkers, rateSeries, weekAxis } from './series';

/** Can the labels be trusted? Position bias, rushed decisions, and whether what agents say matches what they send. */
export function QualityPage({ metrics, token, window }: { metrics: MetricsResponse; token: string; window: Window }) {
  const agreement = useQuery({ queryKey: ['agreement', token, window.from, window.to], queryFn: ({ signal }) => fetchAgreement(token, window, signal) });
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
      <h3>Inter-agent agreement</h3>
      {agreement.isPending && <p>Loading agreement…</p>}
      {agreement.error && (
        <p role="alert" className="error">
          {refusal(agreement.error)}
        </p>
      )}
      {agreement.data && (
        <>
          <AgreementTable relevance={agreement.data.relevance} preference={agreement.data.preference} />
          <h3>Annotations per agent</h3>
          {agreement.data.agents.length === 0 ? (
            <p className="empty">No annotations in this window.</p>
          ) : (
            <table>
              <caption className="hint">Pseudonyms, stable per agent; busiest first.</caption>
              <thead>
                <tr>
                  <th scope="col">Agent</th>
                  <th scope="col">Preferences</th>
                  <th scope="col">Adoptions</th>
                  <th scope="col">Relevance labels</th>
                  <th scope="col">Missing knowledge</th>
                </tr>
              </thead>
              <tbody>
                {agreement.data.agents.map((a) => (
                  <tr key={a.agent}>
                    <th scope="row">{a.agent}</th>
                    <td>{a.preference}</td>
                    <td>{a.adoption}</td>
                    <td>{a.relevance}</td>
                    <td>{a.missingKnowledge}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
