import os from 'node:os';
import { buildBatch, BatchSpecError, type BuildProgress } from '../batches/build/build-batch';
import { BatchBuildBusyError } from '../batches/lease';
import { listBatches } from '../batches/store';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { loadMigrations } from '../db/migrate';
import fs from 'node:fs';
import { EvalInputError, evaluatePlainBm25, evaluateRetrieval, formatBaseline, formatEvalResult, labelledRetrievalSets, readLabelledTickets, selectSplit, type TicketSplit } from '../knowledge/evaluation';
import { importKnowledgeBase } from '../knowledge/import';
import { embedMissingArticles } from '../knowledge/dense-index';
import { Reranker, RerankerWeights } from '../knowledge/reranker';
import { Retriever } from '../knowledge/retriever';
import { trainReranker } from '../knowledge/reranker-training';
import { knowledgeBaseState, knowledgeSources, kbVersion } from '../knowledge/knowledge-base';
import { readSource } from '../knowledge/sources/read-source';
import { readRtArticles } from '../knowledge/sources/rt';
import { KbImportError, type SourceFormat } from '../knowledge/sources/source-article';
import { ModelServing } from '../models/serving';
import { accessOperations } from './access-operations';
import { modelOperations } from './model-operations';
import { OperationError } from './operation-error';
import { gapOperations } from './gap-operations';
import { judgeOperations } from './judge-operations';
import { table } from './table';


export interface OperationContext {
  db: Database;
  config: Config;
  /** A progress bar, when the operation runs in the CLI process on a terminal. */
  progress?: BuildProgress;
}

/** Options of `aitl batches build`, as the command line gives them (numbers already parsed). */
export interface BatchBuildArgs {
  tenant: string;
  policy?: string;
  watermark?: number;
  syntheticCap?: number;
  anchorShare?: number;
  evalShare?: number;
  maxPerTicket?: number;
  seed?: string;
  json?: boolean;
}

/**
 * CLI commands that work on the database. Each returns what it prints on stdout. They run either
 * in the CLI process, or, when `aitl serve` holds the embedded database, inside that server
 * through its admin socket (the data folder is never opened twice).
 */
export const operations = {
  async migrate({ db }: OperationContext, _args: Record<string, never>): Promise<string> {
    // Opening the database already applied pending migrations; report where the schema stands.
    const { rows } = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    const latest = rows.at(-1);
    return `schema is up to date: version ${latest?.version ?? 0} (${latest?.name ?? 'empty'}), ${loadMigrations().length} migration(s) known, db ${db.kind}\n`;
  },

  ...accessOperations,
  ...modelOperations,
  ...gapOperations,
  ...judgeOperations,

  async 'batches.build'({ db, config, progress }: OperationContext, args: BatchBuildArgs): Promise<string> {
    const { tenant, json, ...spec } = args;
    const known = await db.query('SELECT 1 FROM tenants WHERE id = $1', [tenant]);
    if (known.rows.length === 0) throw new OperationError(`no tenant "${tenant}"; tenants are created with their first token (see aitl tokens list)`);
    const request = Object.fromEntries(Object.entries(spec).filter(([, v]) => v !== undefined));
    let built;
    try {
      built = await buildBatch(db, tenant, request, { holder: `cli:${os.hostname()}:${process.pid}`, leaseSeconds: config.batchLeaseSeconds, progress, ...(config.redactionThreads !== undefined && { redactionThreads: config.redactionThreads }) });
    } catch (error) {
      if (error instanceof BatchSpecError || error instanceof BatchBuildBusyError) throw new OperationError(error.message);
      throw error;
    }
    if (json) return JSON.stringify(built.manifest, null, 2) + '\n';
    const m = built.manifest;
    const lines = [
      `built batch ${built.number} of tenant ${tenant} (${m.spec.policy}, annotations up to seq ${m.spec.watermark})`,
      ...m.files.map((f) => `  ${f.name.padEnd(26)} ${String(f.rows).padStart(8)} rows  sha256 ${f.sha256}`),
      `  SFT synthetic share ${m.sft.syntheticShare} (cap ${m.sft.syntheticCap}), human share ${m.sft.humanShare} (anchors re-sampled: ${m.sft.kept.anchors})`,
      ...m.warnings.map((w) => `warning: ${w}`),
    ];
    return lines.join('\n') + '\n';
  },

  async 'batches.list'({ db }: OperationContext, args: { tenant: string; json?: boolean }): Promise<string> {
    const batches = await listBatches(db, args.tenant);
    if (args.json) return JSON.stringify(batches, null, 2) + '\n';
    if (batches.length === 0) return `no batches in tenant ${args.tenant}; build one with: aitl batches build --tenant ${args.tenant}\n`;
    const short = { 'sft.jsonl': 'SFT', 'dpo.jsonl': 'DPO', 'kto.jsonl': 'KTO', 'retrieval_triplets.jsonl': 'TRIPLETS', 'rerank_pairs.jsonl': 'RERANK', 'knowledge_gaps.jsonl': 'GAPS', 'eval.jsonl': 'EVAL' };
    const header = ['BATCH', 'BUILT', 'POLICY', ...Object.values(short), 'WARNINGS'];
    const rows = batches.map((b) => [String(b.number), b.completedAt ?? '-', b.policy, ...Object.keys(short).map((f) => String(b.rows[f] ?? 0)), String(b.warnings.length)]);
    const warnings = batches.flatMap((b) => b.warnings.map((w) => `batch ${b.number}: warning: ${w}`));
    return table(header, rows) + warnings.map((w) => w + '\n').join('');
  },

  /**
   * `path` is absolute: the operation may run inside a server with another working directory.
   * With `rt`, the articles are read from that Request Tracker through its REST 2 API.
   */
  async 'kb.import'(
    { db, config }: OperationContext,
    args: { path?: string; rt?: { url: string; token: string }; tenant: string; source?: string; format?: SourceFormat; json?: boolean },
  ): Promise<string> {
    try {
      const origin = args.rt ? args.rt.url : (args.path ?? '');
      const parsed = args.rt ? await readRtArticles(args.rt) : readSource(origin, args.format);
      const summary = await importKnowledgeBase(db, { tenantId: args.tenant, source: args.source ?? parsed.format, origin, parsed });
      const embedded = config.suggestions.embeddings ? await embedAfterImport(db, config, summary.tenantId) : null;
      if (args.json) return JSON.stringify({ ...summary, ...(embedded && { embeddings: embedded }) }, null, 2) + '\n';
      const lines = [
        `imported ${parsed.articles.length} article(s) from ${origin} into tenant ${summary.tenantId}, source ${summary.source} (${summary.format}):`,
        `  ${summary.added} added, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.retired} retired, ${summary.restored} restored`,
        `  knowledge base is now ${kbVersion(summary.revision)}`,
      ];
      if (summary.gapsClosed.length > 0) lines.push(`  closed knowledge gap(s) ${summary.gapsClosed.join(', ')}`);
      lines.push(...summary.gapWarnings.map((w) => `warning: ${w}`));
      if (summary.skipped.length > 0) lines.push(`skipped ${summary.skipped.length}:`, ...summary.skipped.map((s) => `  ${s}`));
      if (embedded) lines.push(`  ${embedded}`);
      return lines.join('\n') + '\n';
    } catch (error) {
      if (error instanceof KbImportError) throw new OperationError(error.message);
      throw error;
    }
  },

  /** Computes the missing article vectors for the configured embeddings model. */
  async 'kb.embed'({ db, config }: OperationContext, args: { tenant: string }): Promise<string> {
    const embeddings = config.suggestions.embeddings;
    if (!embeddings) throw new OperationError('vector search is not configured: set AITL_EMBEDDINGS_URL and AITL_EMBEDDINGS_MODEL');
    try {
      const n = await embedMissingArticles(db, args.tenant, embeddings);
      return `embedded ${n} article version(s) of tenant ${args.tenant} with ${embeddings.model}\n`;
    } catch (error) {
      throw new OperationError(`embedding failed: ${(error as Error).message}; what was embedded before is kept, run aitl kb embed again`);
    }
  },

  async 'kb.status'({ db }: OperationContext, args: { tenant: string; json?: boolean }): Promise<string> {
    const state = await knowledgeBaseState(db, args.tenant);
    const sources = await knowledgeSources(db, args.tenant);
    if (args.json) return JSON.stringify({ tenant: args.tenant, version: kbVersion(state.revision), liveArticles: state.liveArticles, sources }, null, 2) + '\n';
    if (sources.length === 0) return `tenant ${args.tenant} has no knowledge base; import one with: aitl kb import PATH --tenant ${args.tenant}\n`;
    const lines = [`tenant ${args.tenant}: ${kbVersion(state.revision)}, ${state.liveArticles} live article(s)`];
    for (const s of sources) lines.push(`  source ${s.source}: ${s.live} live, ${s.retired} retired, last imported ${s.lastImport ?? '-'}`);
    return lines.join('\n') + '\n';
  },

  /**
   * recall@75 and precision@8 of a tenant's knowledge base on labelled tickets (`tickets` is an
   * absolute path), with what the tenant serves now, beside a plain BM25 baseline when asked (the
   * human-readable output asks by default).
   */
  async eval(
    { db, config }: OperationContext,
    args: { tickets: string; tenant: string; split: TicketSplit; json?: boolean; label?: string; embed?: boolean; baseline?: 'bm25' | 'none' },
  ): Promise<string> {
    const tickets = selectSplit(readTickets(args.tickets), args.split);
    if (args.embed && config.suggestions.embeddings) await embedMissingArticles(db, args.tenant, config.suggestions.embeddings);
    const served = await new ModelServing(new Reranker(config.suggestions.reranker)).forTenant(db, args.tenant);
    const result = await evaluateRetrieval(db, args.tenant, tickets, served.reranker, new Retriever(config.suggestions.embeddings), served.stageOne);
    const baseline = args.baseline === 'bm25' || (!args.json && args.baseline !== 'none') ? await evaluatePlainBm25(db, args.tenant, tickets) : null;
    if (args.json) return JSON.stringify({ ...result.report, ...(baseline && { baseline: baseline.report }) }) + '\n';
    const label = `${args.label ?? `tenant ${args.tenant}`}, ${args.split === 'all' ? 'all tickets' : `${args.split} split`} of ${args.tickets}`;
    return formatEvalResult(result, label) + (baseline ? formatBaseline(result, baseline) : '');
  },

  /** Fits reranker weights on labelled tickets and writes them to `out` (absolute path). */
  async 'rerank.train'({ db, config }: OperationContext, args: { tickets: string; tenant: string; split: TicketSplit; out: string; version: string; label?: string; embed?: boolean }): Promise<string> {
    if (!RerankerWeights.shape.version.safeParse(args.version).success) {
      throw new OperationError(`--name ${args.version}: use lowercase letters, digits, ., - and _`);
    }
    const tickets = selectSplit(readTickets(args.tickets), args.split);
    if (args.embed && config.suggestions.embeddings) await embedMissingArticles(db, args.tenant, config.suggestions.embeddings);
    const sets = await labelledRetrievalSets(db, args.tenant, tickets, new Retriever(config.suggestions.embeddings));
    if (sets.length === 0) throw new OperationError(`${args.tickets} (${args.split}) has no tickets with relevant articles to learn from`);
    let weights: RerankerWeights;
    try {
      weights = trainReranker(sets, { version: args.version, trainedOn: `${args.tickets} (${args.split}), ${args.label ?? `tenant ${args.tenant}`}` });
    } catch (error) {
      throw new OperationError((error as Error).message);
    }
    fs.writeFileSync(args.out, JSON.stringify(weights, null, 2) + '\n');
    return `wrote reranker ${weights.version} to ${args.out} (${weights.trainedOn})\nuse it with AITL_RERANKER_WEIGHTS=${args.out}; compare first with aitl eval\n`;
  },
} satisfies Record<string, (ctx: OperationContext, args: never) => Promise<string>>;

/** After an import: vectors for new and changed articles. A failure leaves the import in place. */
async function embedAfterImport(db: Database, config: Config, tenantId: string): Promise<string> {
  try {
    const n = await embedMissingArticles(db, tenantId, config.suggestions.embeddings!);
    return `embedded ${n} article version(s) for vector search`;
  } catch (error) {
    return `embedding failed (${(error as Error).message}); the articles are imported and found by full-text search; run aitl kb embed to retry`;
  }
}

function readTickets(file: string) {
  try {
    return readLabelledTickets(file);
  } catch (error) {
    if (error instanceof EvalInputError) throw new OperationError(error.message);
    throw error;
  }
}

export type OperationName = keyof typeof operations;
export type OperationArgs<N extends OperationName> = Parameters<(typeof operations)[N]>[1];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}
