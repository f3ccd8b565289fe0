import type { BatchManifest, BatchSpec, DriftMetrics } from '../../../../lib/contract';
import { driftWarnings } from '../drift';
import type { WrittenFile } from '../files';
import type { BatchOutput } from './batch-output';
import type { BuildNotes } from './build-notes';
import type { SftPlan } from './sft-plan';
import type { SftKept } from './sft-rows';

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const sorted = (s: Set<string>) => [...s].sort();

export interface ManifestInput {
  number: number;
  spec: BatchSpec;
  files: WrittenFile[];
  /** Complete batches before this one, oldest first: the drift history. */
  previous: { batch: number; manifest: BatchManifest }[];
  notes: BuildNotes;
  output: BatchOutput;
  sft: { plan: SftPlan; kept: SftKept };
  redaction: Record<string, number>;
}

/** manifest.json: what the batch holds and why, and how this generation compares with the ones before. */
export function batchManifest({ number, spec, files, previous, notes, output, sft, redaction }: ManifestInput): BatchManifest {
  const measured = notes.drift.metrics();
  // What the model wrote before the cap sampled it, beside what the batch kept: the length check's
  // direction, and the diversity the drift report follows (drift.ts, diversityWarning).
  const { modelLengths, modelDiversity } = sft.plan;
  const current: DriftMetrics = {
    ...measured,
    ...(modelDiversity && { modelDistinct2: modelDiversity.distinct2, modelDistinct2Windows: modelDiversity.distinct2Windows, modelDistinct2StdErr: modelDiversity.distinct2StdErr }),
    ...(measured.replyChars && { replyChars: { ...measured.replyChars, model: modelLengths } }),
  };
  const history = previous.slice(-10).map((p) => ({ batch: p.batch, metrics: p.manifest.drift.current }));
  const drift = driftWarnings(
    history.map((h) => h.metrics as DriftMetrics),
    current,
  );
  const warnings = [...drift];
  if (spec.policy === 'latest-only') {
    warnings.unshift('policy latest-only is risky: training only on the newest data is the regime in which model-written text amplifies its own biases; use accumulate');
  }
  const { kept } = sft;
  const { candidates } = sft.plan;
  const keptTotal = kept.human + kept.synthetic + kept.anchors;
  const { window, versions } = notes;
  return {
    format: 'aitl-batch/4',
    batch: number,
    spec,
    window: {
      fromSeq: spec.policy === 'accumulate' ? 0 : spec.fromSeq,
      toSeq: spec.watermark,
      annotations: window.annotations,
      firstAnnotationAt: window.annotations ? new Date(window.first).toISOString() : null,
      lastAnnotationAt: window.annotations ? new Date(window.last).toISOString() : null,
    },
    versions: {
      kb: sorted(versions.kb),
      retriever: sorted(versions.retriever),
      reranker: sorted(versions.reranker),
      arms: [...versions.arms.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v),
      adoptionThresholds: sorted(versions.thresholds).map((t) => JSON.parse(t)),
    },
    files: files.map(({ name, rows, bytes, sha256 }) => ({ name, rows, bytes, sha256 })),
    provenance: output.provenance,
    sft: {
      syntheticCap: spec.syntheticCap,
      anchorShare: spec.anchorShare,
      candidates,
      kept,
      syntheticDropped: candidates.synthetic - kept.synthetic,
      syntheticShare: keptTotal ? round(kept.synthetic / keptTotal) : 0,
      humanShare: keptTotal ? round((kept.human + kept.anchors) / keptTotal) : 0,
    },
    excluded: notes.excluded,
    redaction,
    drift: { current, history, warnings: drift },
    warnings,
  };
}
