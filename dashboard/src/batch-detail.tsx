import { useMutation, useQuery } from '@tanstack/react-query';
import type { BatchManifest } from '../../lib/contract/batch';
import { refusal } from './api';
import { downloadBatchFile, fetchBatch } from './batches-api';
import { BarChart } from './charts/bar-chart';
import { GenerationChart } from './charts/generation-chart';
import { generations, sftDriftSeries, shareSeries } from './drift-series';
import { percent } from './format';

const share = (n: number, total: number) => `${percent(total ? n / total : null)} (${n} / ${total})`;
const kib = (bytes: number) => (bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`);

/** One batch: its files (to download), where the rows came from, what was redacted, and the drift report. */
export function BatchDetailView({ token, number }: { token: string; number: number }) {
  const detail = useQuery({ queryKey: ['batch', token, number], queryFn: ({ signal }) => fetchBatch(token, number, signal) });
  if (detail.isPending) return <p>{`Loading batch ${number}…`}</p>;
  if (detail.error) return <p role="alert" className="error">{refusal(detail.error)}</p>;
  const manifest = detail.data.manifest;
  if (!manifest) return <p className="empty">{`Batch ${number} is still building.`}</p>;
  return (
    <div aria-labelledby="batch-detail-heading">
      <h3 id="batch-detail-heading">{`Batch ${number}`}</h3>
      <Warnings manifest={manifest} />
      <BatchFiles token={token} manifest={manifest} />
      <h4>Provenance and PII</h4>
      <div className="charts">
        <ProvenanceChart manifest={manifest} />
        <BarChart
          title="PII redacted, by kind (all files)"
          columns={['Kind', 'Redactions']}
          emptyText="Nothing was redacted: no PII found in this batch's text."
          bars={Object.entries(manifest.redaction)
            .sort(([, a], [, b]) => b - a)
            .map(([kind, n]) => ({ label: kind, value: n, detail: `${n} redacted` }))}
        />
      </div>
      <ProvenanceTable manifest={manifest} />
      <h4>Drift across generations</h4>
      <DriftCharts manifest={manifest} />
    </div>
  );
}

function Warnings({ manifest }: { manifest: BatchManifest }) {
  const warnings = [...new Set([...manifest.warnings, ...manifest.drift.warnings])];
  if (warnings.length === 0) return <p className="ok">No warnings: the drift checks passed.</p>;
  return (
    <div className="warnings" role="note" aria-label="Warnings">
      <h4>{`${warnings.length} ${warnings.length === 1 ? 'warning' : 'warnings'}`}</h4>
      <ul>
        {warnings.map((w) => (
          <li key={w}>{w}</li>
        ))}
      </ul>
    </div>
  );
}

function BatchFiles({ token, manifest }: { token: string; manifest: BatchManifest }) {
  const download = useMutation({ mutationFn: (name: string) => downloadBatchFile(token, manifest.batch, name) });
  return (
    <>
      <table>
        <caption className="hint">Downloads go through the API with your token in the header; nothing is put in a link.</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Rows</th>
            <th scope="col">Size</th>
            <th scope="col">sha256</th>
            <th scope="col">Download</th>
          </tr>
        </thead>
        <tbody>
          {[...manifest.files, { name: 'manifest.json', rows: null, bytes: null, sha256: null }].map((f) => (
            <tr key={f.name}>
              <th scope="row">{f.name}</th>
              <td className="number">{f.rows ?? '–'}</td>
              <td className="number">{f.bytes === null ? '–' : kib(f.bytes)}</td>
              <td className="hash">{f.sha256 ? `${f.sha256.slice(0, 12)}…` : '–'}</td>
              <td>
                <button type="button" onClick={() => download.mutate(f.name)} disabled={download.isPending && download.variables === f.name} aria-label={`Download ${f.name} of batch ${manifest.batch}`}>
                  Download
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {download.error && (
        <p role="alert" className="error">
          {`Download of ${download.variables} failed: ${refusal(download.error)}`}
        </p>
      )}
    </>
  );
}

const totals = (manifest: BatchManifest) => {
  const byProvenance = new Map<string, number>();
  for (const counts of Object.values(manifest.provenance)) for (const [p, n] of Object.entries(counts)) byProvenance.set(p, (byProvenance.get(p) ?? 0) + n);
  return byProvenance;
};

function ProvenanceChart({ manifest }: { manifest: BatchManifest }) {
  const byProvenance = totals(manifest);
  const all = [...byProvenance.values()].reduce((a, b) => a + b, 0);
  return (
    <BarChart
      title="Provenance of the rows (all files): who wrote the text"
      columns={['Provenance', 'Share of rows']}
      max={1}
      valueText={(v) => percent(v)}
      bars={[...byProvenance].sort(([, a], [, b]) => b - a).map(([p, n]) => ({ label: p, value: all ? n / all : 0, detail: share(n, all) }))}
    />
  );
}

function ProvenanceTable({ manifest }: { manifest: BatchManifest }) {
  const kinds = [...totals(manifest).keys()].sort();
  const files = Object.entries(manifest.provenance).filter(([, counts]) => Object.keys(counts).length > 0);
  if (files.length === 0) return null;
  return (
    <table>
      <caption className="hint">Provenance per file: share of its rows (rows / file rows).</caption>
      <thead>
        <tr>
          <th scope="col">File</th>
          {kinds.map((k) => (
            <th key={k} scope="col">{k}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {files.map(([file, counts]) => {
          const total = Object.values(counts).reduce((a, b) => a + b, 0);
          return (
            <tr key={file}>
              <th scope="row">{file}</th>
              {kinds.map((k) => (
                <td key={k}>{counts[k] ? share(counts[k], total) : '–'}</td>
              ))}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function DriftCharts({ manifest }: { manifest: BatchManifest }) {
  const gens = generations(manifest.drift, manifest.batch);
  const labels = gens.map((g) => `batch ${g.batch}`);
  return (
    <>
      <p className="summary">{`${gens.length} ${gens.length === 1 ? 'generation' : 'generations'} of this tenant, oldest first; a warning above names any share that grew, or diversity that fell, beyond noise.`}</p>
      <div className="charts">
        <GenerationChart title="SFT rows: synthetic share and distinct-2 diversity" generations={labels} series={sftDriftSeries(gens)} />
        <GenerationChart title="Adoption outcomes: share of adoption annotations" generations={labels} series={shareSeries(gens, (m) => m.outcomeShares, (m) => m.adoptions)} />
        <GenerationChart title="Inserted replies: share per arm" generations={labels} series={shareSeries(gens, (m) => m.armShares, (m) => m.inserted)} />
      </div>
    </>
  );
}
