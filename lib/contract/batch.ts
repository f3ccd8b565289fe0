import { z } from 'zod';
import { AdoptionThresholds } from './annotation';
import { IsoDateTime, Probability } from './common';
import { ChatMessage } from './impression-record';

/**
 * Retraining batches: what an operator builds and pulls. Each file is JSONL in the exact shape its
 * consumer expects (TRL, sentence-transformers); everything else (provenance, source ids) lives in
 * `sources.jsonl` so trainers never see it.
 */

export const BATCH_DATA_FILES = [
  'sft.jsonl',
  'dpo.jsonl',
  'kto.jsonl',
  'retrieval_triplets.jsonl',
  'rerank_pairs.jsonl',
  'knowledge_gaps.jsonl',
  'eval.jsonl',
  'sources.jsonl',
] as const;
export const BATCH_MANIFEST = 'manifest.json';
export const BatchFileName = z.enum([...BATCH_DATA_FILES, BATCH_MANIFEST]);
export type BatchFileName = z.infer<typeof BatchFileName>;
export type BatchDataFile = (typeof BATCH_DATA_FILES)[number];

/**
 * `accumulate` (default): batch N draws on all eligible data up to its watermark, minus examples tied
 * to superseded article versions. `latest-only` draws only on data since the previous batch; it is
 * the regime in which the bias-amplification paper saw drift, kept for comparison.
 */
export const BatchPolicy = z.enum(['accumulate', 'latest-only']);
export type BatchPolicy = z.infer<typeof BatchPolicy>;

/** Who wrote a text. `model_unedited` and `model_light_edit` are synthetic: model text re-entering training. */
export const Provenance = z.enum(['customer', 'agent_written', 'model_unedited', 'model_light_edit', 'model_heavy_edit', 'kb_human']);
export type Provenance = z.infer<typeof Provenance>;
export const SYNTHETIC_PROVENANCE: readonly Provenance[] = ['model_unedited', 'model_light_edit'];

const Seed = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "_" or "-"');

/** What an operator may choose when building (`POST /v1/batches`, `aitl batches build`). Everything has a default. */
export const BatchBuildRequest = z.strictObject({
  policy: BatchPolicy.default('accumulate'),
  /** Highest annotation arrival number (`seq`) to include; default: everything stored when the build starts. */
  watermark: z.int().min(0).optional(),
  /** Largest share of SFT targets that may be synthetic; never 100%. */
  syntheticCap: z.number().min(0).max(0.95).default(0.5),
  /** Smallest share of SFT targets that must be human-written (re-sampled from all history if the window has too few). */
  anchorShare: Probability.max(0.95).default(0.3),
  /** Share of tickets held out for `eval.jsonl` (by hashed ticket id; never in train). */
  evalShare: z.number().min(0).max(0.5).default(0.1),
  /** Most examples one ticket may contribute to each file. */
  maxPerTicket: z.int().min(1).max(1000).default(20),
  /** Estimated Jaccard similarity of word 3-grams above which two completions are near-duplicates. */
  nearDuplicate: z.number().min(0.5).max(1).default(0.8),
  /** Estimated Jaccard similarity of words above which two missing-knowledge reports join one gap. */
  gapSimilarity: z.number().min(0.1).max(1).default(0.5),
  /** Characters of each article's body put into a prompt. */
  articleChars: z.int().min(0).max(20_000).default(4_000),
  /** Seeds every hash-based sampling decision (synthetic downsampling, anchor re-sampling). */
  seed: Seed.default('aitl'),
});
export type BatchBuildRequest = z.input<typeof BatchBuildRequest>;

/** The full, resolved spec a batch was built from; recorded in its manifest. Same spec + same data = same files. */
export const BatchSpec = BatchBuildRequest.required({ watermark: true }).extend({
  /** Annotations with `seq` above this and up to `watermark` are new in this batch (the previous batch's watermark). */
  fromSeq: z.int().min(0),
  redaction: z.string(),
});
export type BatchSpec = z.infer<typeof BatchSpec>;

// Rows, one schema per file ----------------------------------------------------------------------

const Assistant = z.tuple([ChatMessage.extend({ role: z.literal('assistant') })]);

/** TRL conversational language modelling: the prompt messages, then the reply as the last assistant turn. */
export const SftRow = z.strictObject({ messages: z.array(ChatMessage).min(2) });
/** TRL preference with explicit prompt. */
export const DpoRow = z.strictObject({ prompt: z.array(ChatMessage).min(1), chosen: Assistant, rejected: Assistant });
/** TRL unpaired preference. */
export const KtoRow = z.strictObject({ prompt: z.array(ChatMessage).min(1), completion: Assistant, label: z.boolean() });
/** sentence-transformers (anchor, positive, negative): columns in this order and nothing else. */
export const TripletRow = z.strictObject({ anchor: z.string(), positive: z.string(), negative: z.string() });
/** CrossEncoder (query, passage, label): 1 relevant, 0.5 partial, 0 irrelevant or outdated. */
export const RerankRow = z.strictObject({ query: z.string(), passage: z.string(), label: z.union([z.literal(0), z.literal(0.5), z.literal(1)]) });

export const GapReport = z.strictObject({
  annotationId: z.string(),
  ticket: z.string(),
  description: z.string(),
  category: z.string().nullable(),
  suggestedTitle: z.string().nullable(),
  /** The customer's last message: what the missing knowledge would have answered. */
  query: z.string(),
  /** The articles that were shown and failed. */
  shownArticles: z.array(z.strictObject({ id: z.string(), version: z.int(), title: z.string(), rank: z.int() })),
});
/** Missing-knowledge reports grouped by similarity; `reports` keeps the first ones as evidence. */
export const KnowledgeGapRow = z.strictObject({
  gap: z.int().min(1),
  reportCount: z.int().min(1),
  description: z.string(),
  categories: z.record(z.string(), z.int()),
  firstReportedAt: IsoDateTime,
  lastReportedAt: IsoDateTime,
  reports: z.array(GapReport).min(1),
});

/** Held-out rows of every task in one flat shape (absent fields are null), so one `load_dataset` call reads them. */
export const EvalRow = z.strictObject({
  task: z.enum(['reply', 'preference', 'relevance']),
  prompt: z.array(ChatMessage),
  /** A human-written reply (reply task). */
  reference: z.string().nullable(),
  chosen: z.string().nullable(),
  rejected: z.string().nullable(),
  query: z.string().nullable(),
  passage: z.string().nullable(),
  label: z.string().nullable(),
});

/** Side file: where each row of each file came from. Trainers never read it. */
export const SourceRow = z.strictObject({
  file: z.enum(BATCH_DATA_FILES),
  /** 0-based line in `file`. */
  line: z.int().min(0),
  annotationIds: z.array(z.string()).min(1),
  impressionIds: z.array(z.string()),
  ticket: z.string(),
  /** Of the completion, or of `chosen` for DPO. */
  provenance: Provenance.nullable(),
  rejectedProvenance: Provenance.nullable(),
  /** Preference strength, or the adoption outcome that produced the row. */
  signal: z.string().nullable(),
  /** Re-sampled from earlier data to keep the human-written anchor share. */
  anchor: z.boolean(),
});

export const BATCH_ROW_SCHEMAS = {
  'sft.jsonl': SftRow,
  'dpo.jsonl': DpoRow,
  'kto.jsonl': KtoRow,
  'retrieval_triplets.jsonl': TripletRow,
  'rerank_pairs.jsonl': RerankRow,
  'knowledge_gaps.jsonl': KnowledgeGapRow,
  'eval.jsonl': EvalRow,
  'sources.jsonl': SourceRow,
} as const satisfies Record<BatchDataFile, z.ZodType>;

// The manifest -----------------------------------------------------------------------------------

/** Count, mean and standard deviation of the lengths (characters) of one kind of SFT target. */
export const ReplyLengths = z.strictObject({ n: z.int().min(0), mean: z.number().min(0), sd: z.number().min(0) });
export type ReplyLengths = z.infer<typeof ReplyLengths>;

export const DriftMetrics = z.strictObject({
  sftRows: z.int(),
  meanReplyChars: z.number(),
  /** Adoption annotations in the window and those that inserted a reply: the shares' denominators (absent before they were recorded). */
  adoptions: z.int().min(0).optional(),
  inserted: z.int().min(0).optional(),
  /** Adoption outcome classes among the batch's adoption annotations. */
  outcomeShares: z.record(z.string(), z.number()),
  /** Which arm produced the replies agents inserted. */
  armShares: z.record(z.string(), z.number()),
  /** Distinct word bigrams / all bigrams, averaged over windows of 100 hash-sampled SFT replies (at most 2000 replies). */
  distinct2: z.number(),
  /** Windows distinct-2 was averaged over, and its standard error across them (0 for one window; absent before they were recorded). */
  distinct2Windows: z.int().min(0).optional(),
  distinct2StdErr: z.number().min(0).optional(),
  syntheticShare: z.number(),
  /** Distinct-2 of the human-written SFT replies alone (anchors included), sampled and windowed the same way: the diversity agents write with (absent before aitl-batch/4). */
  humanDistinct2: z.number().optional(),
  humanDistinct2Windows: z.int().min(0).optional(),
  humanDistinct2StdErr: z.number().min(0).optional(),
  /** Distinct-2 of the model's newest adopted replies (synthetic candidates since the last batch, before the cap), sampled and windowed the same way (absent before aitl-batch/4). */
  modelDistinct2: z.number().optional(),
  modelDistinct2Windows: z.int().min(0).optional(),
  modelDistinct2StdErr: z.number().min(0).optional(),
  /**
   * SFT target lengths, human-written (anchors included) and synthetic apart (absent before aitl-batch/3), and the
   * lengths of the model's newest adopted replies before the synthetic cap sampled them: its own mix (from aitl-batch/4).
   */
  replyChars: z.strictObject({ human: ReplyLengths, synthetic: ReplyLengths, model: ReplyLengths.optional() }).optional(),
});
export type DriftMetrics = z.infer<typeof DriftMetrics>;

export const DriftReport = z.strictObject({
  current: DriftMetrics,
  /** Earlier generations of this tenant, oldest first. */
  history: z.array(z.strictObject({ batch: z.int(), metrics: DriftMetrics })),
  warnings: z.array(z.string()),
});

export const BatchFileEntry = z.strictObject({ name: z.enum(BATCH_DATA_FILES), rows: z.int().min(0), bytes: z.int().min(0), sha256: z.string().regex(/^[0-9a-f]{64}$/) });

export const BatchManifest = z.strictObject({
  /**
   * 2: drift metrics carry their denominators and distinct-2 is measured over fixed-size windows, with its standard error.
   * 3: drift metrics carry the human and synthetic SFT reply lengths. 4: the human-written replies' own distinct-2, and the
   * synthetic cap's sample leans against the lengths the model's adopted replies over-represent.
   */
  format: z.enum(['aitl-batch/1', 'aitl-batch/2', 'aitl-batch/3', 'aitl-batch/4']),
  batch: z.int().min(1),
  spec: BatchSpec,
  window: z.strictObject({
    fromSeq: z.int(),
    toSeq: z.int(),
    annotations: z.int(),
    firstAnnotationAt: IsoDateTime.nullable(),
    lastAnnotationAt: IsoDateTime.nullable(),
  }),
  versions: z.strictObject({
    kb: z.array(z.string()),
    retriever: z.array(z.string()),
    reranker: z.array(z.string()),
    arms: z.array(z.strictObject({ armId: z.string(), model: z.string(), promptVersion: z.string() })),
    /** The adoption thresholds the extension classified the batch's replies with. */
    adoptionThresholds: z.array(AdoptionThresholds),
  }),
  files: z.array(BatchFileEntry),
  provenance: z.record(z.string(), z.record(z.string(), z.int())),
  sft: z.strictObject({
    syntheticCap: z.number(),
    anchorShare: z.number(),
    candidates: z.strictObject({ human: z.int(), synthetic: z.int() }),
    kept: z.strictObject({ human: z.int(), synthetic: z.int(), anchors: z.int() }),
    syntheticDropped: z.int(),
    syntheticShare: z.number(),
    humanShare: z.number(),
  }),
  excluded: z.record(z.string(), z.int()),
  redaction: z.record(z.string(), z.int()),
  drift: DriftReport,
  warnings: z.array(z.string()),
});
export type BatchManifest = z.infer<typeof BatchManifest>;

export const BatchStatus = z.enum(['building', 'complete']);

/** A batch as `GET /v1/batches` lists it. */
export const BatchSummary = z.strictObject({
  number: z.int().min(1),
  status: BatchStatus,
  policy: BatchPolicy,
  createdAt: IsoDateTime,
  completedAt: IsoDateTime.nullable(),
  /** Rows per file, once complete. */
  rows: z.record(z.string(), z.int()),
  warnings: z.array(z.string()),
});
export type BatchSummary = z.infer<typeof BatchSummary>;
export const BatchList = z.strictObject({ batches: z.array(BatchSummary) });
export const BatchDetail = z.strictObject({ batch: BatchSummary, manifest: BatchManifest.nullable() });
