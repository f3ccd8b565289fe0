import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiFailure, refusal } from './api';
import { BatchDetailView } from './batch-detail';
import { fetchBatches } from './batches-api';
import { day } from './format';

/** Retraining batches: what each generation holds, where its rows came from, and whether it drifts. */
export function BatchesPage({ token }: { token: string }) {
  const batches = useQuery({ queryKey: ['batches', token], queryFn: ({ signal }) => fetchBatches(token, signal) });
  const [chosen, setChosen] = useState<number | null>(null);
  const list = batches.data?.batches ?? [];
  const complete = list.filter((b) => b.status === 'complete');
  const selected = chosen ?? complete.at(-1)?.number ?? null;
  const files = [...new Set(list.flatMap((b) => Object.keys(b.rows)))].sort();
  return (
    <section aria-labelledby="batches-heading">
      <h2 id="batches-heading">Batches</h2>
      {batches.isPending && <p>Loading batches…</p>}
      {batches.error && (
        <p role="alert" className="error">
          {/* An admin token is refused here (batches are the operators'): say so, not "agent token". */}
          {batches.error instanceof ApiFailure && batches.error.status === 403 ? `Batches need an operator token: ${batches.error.message}.` : refusal(batches.error)}
        </p>
      )}
      {batches.data && list.length === 0 && <p className="empty">No batch built yet (aitl batches build, or POST /v1/batches).</p>}
      {list.length > 0 && (
        <div className="scroll">
          <table>
            <caption className="hint">Rows per file (.jsonl); choose a batch for its files, provenance, PII and drift.</caption>
            <thead>
              <tr>
                <th scope="col">Batch</th>
                <th scope="col">Status</th>
                <th scope="col">Policy</th>
                <th scope="col">Built</th>
                {files.map((f) => (
                  <th key={f} scope="col" title={f}>
                    {f.replace(/\.jsonl$/, '').replaceAll('_', ' ')}
                  </th>
                ))}
                <th scope="col">Warnings</th>
              </tr>
            </thead>
            <tbody>
              {list.map((b) => (
                <tr key={b.number} aria-current={b.number === selected ? 'true' : undefined}>
                  <th scope="row">
                    <button type="button" className="link" aria-pressed={b.number === selected} disabled={b.status !== 'complete'} onClick={() => setChosen(b.number)}>
                      {`Batch ${b.number}`}
                    </button>
                  </th>
                  <td>{b.status}</td>
                  <td>{b.policy}</td>
                  <td>{b.completedAt ? day(b.completedAt) : `started ${day(b.createdAt)}`}</td>
                  {files.map((f) => (
                    <td key={f} className="number">{b.rows[f] ?? '–'}</td>
                  ))}
                  <td className="number">{b.warnings.length}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected !== null && <BatchDetailView token={token} number={selected} />}
    </section>
  );
}
