import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { GapCluster } from '../../lib/contract/knowledge-gap-cluster';
import { refusal } from './api';
import { BarChart } from './charts/bar-chart';
import { day } from './format';
import { GapResolveForm } from './gap-resolve-form';
import { fetchGapClusters } from './gaps-api';

/** Most-reported clusters drawn in the chart; the list below has them all. */
const CHART_TOP = 12;

/** The knowledge-gap queue: what agents could not find, grouped, and the article that closes it. */
export function GapsPage({ token }: { token: string }) {
  const [showResolved, setShowResolved] = useState(false);
  const [resolved, setResolved] = useState('');
  const clusters = useQuery({ queryKey: ['gap-clusters', token], queryFn: ({ signal }) => fetchGapClusters(token, signal) });
  const all = clusters.data?.clusters ?? [];
  const open = all.filter((c) => c.openGaps.length > 0);
  const shown = showResolved ? all : open;
  const openReports = open.reduce((n, c) => n + c.openGaps.length, 0);
  return (
    <section aria-labelledby="gaps-heading">
      <h2 id="gaps-heading">Knowledge gaps</h2>
      <p role="status" className="ok">
        {resolved}
      </p>
      {clusters.isPending && <p>Loading knowledge gaps…</p>}
      {clusters.error && (
        <p role="alert" className="error">
          {refusal(clusters.error)}
        </p>
      )}
      {clusters.data && (
        <>
          <p className="summary">
            {`${openReports} open ${openReports === 1 ? 'report' : 'reports'} in ${open.length} ${open.length === 1 ? 'cluster' : 'clusters'}; ${all.length - open.length} ${all.length - open.length === 1 ? 'cluster' : 'clusters'} fully resolved. Reports group when their words overlap by ${Math.round(clusters.data.similarity * 100)}% or more (the batch build's rule).`}
          </p>
          <div className="charts">
            <BarChart
              title="Open reports per cluster (most reported first)"
              columns={['Cluster', 'Open reports']}
              bars={open.slice(0, CHART_TOP).map((c) => ({ label: c.description, value: c.openGaps.length, detail: `${c.openGaps.length} open of ${c.count} reports (gaps ${c.gaps.join(', ')})` }))}
            />
          </div>
          <label className="toggle">
            <input type="checkbox" checked={showResolved} onChange={(e) => setShowResolved(e.target.checked)} /> Show resolved clusters too
          </label>
          {shown.length === 0 ? (
            <p className="empty">{all.length === 0 ? 'No agent has reported missing knowledge yet.' : 'Every reported gap is resolved.'}</p>
          ) : (
            <ol className="clusters">
              {shown.map((c) => (
                <li key={c.gaps[0]}>
                  <GapClusterCard cluster={c} token={token} onResolved={setResolved} />
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}

function GapClusterCard({ cluster: c, token, onResolved }: { cluster: GapCluster; token: string; onResolved: (message: string) => void }) {
  const headingId = `gap-cluster-${c.gaps[0]}`;
  return (
    <article className="cluster" aria-labelledby={headingId}>
      <h3 id={headingId}>{c.description}</h3>
      <p className="hint">
        {`${c.count} ${c.count === 1 ? 'report' : 'reports'} (gap${c.gaps.length === 1 ? '' : 's'} ${c.gaps.join(', ')}), ${c.openGaps.length} open · first ${day(c.firstReportedAt)}, last ${day(c.lastReportedAt)} · ${Object.entries(c.categories)
          .map(([k, n]) => `${k.replace('_', ' ')} ${n}`)
          .join(', ')}`}
      </p>
      <div className="cluster-columns">
        <div>
          <h4>Newest evidence</h4>
          <ul>
            {c.evidence.map((e) => (
              <li key={e.number}>
                <span className="ticket">{`${e.ticket.platform} ticket ${e.ticket.ticketId}`}</span>
                {` · gap ${e.number} · ${day(e.createdAt)}: `}
                <q>{e.description}</q>
              </li>
            ))}
          </ul>
        </div>
        <div>
          <h4>Articles shown when it was reported</h4>
          {c.shownArticles.length === 0 ? (
            <p className="empty">No article was shown.</p>
          ) : (
            <ul>
              {c.shownArticles.map((a) => (
                <li key={a.title}>{`${a.title} (on ${a.reports} of ${c.count} reports)`}</li>
              ))}
            </ul>
          )}
          {c.resolvedBy.length > 0 && (
            <>
              <h4>Resolved by</h4>
              <ul>
                {c.resolvedBy.map((r) => (
                  <li key={r.externalId}>{`${r.title} (${r.externalId}), ${r.gaps} ${r.gaps === 1 ? 'gap' : 'gaps'}`}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      </div>
      {c.openGaps.length > 0 && <GapResolveForm token={token} openGaps={c.openGaps} onResolved={onResolved} />}
    </article>
  );
}
