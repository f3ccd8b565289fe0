import stringify from 'safe-stable-stringify';
import type { z } from 'zod';
import { BatchBuildRequest, describeIssues, issuePaths, type BatchManifest, type BatchSpec } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { REDACTION_VERSION } from '../../redaction/pii';
import { PiiPool, defaultRedactionThreads } from '../../redaction/pii-pool';
import { KnowledgeTexts, loadCurrentArticles } from '../examples/article-texts';
import { Redaction } from '../examples/row-redaction';
import { recordFiles } from '../files';
import { countPhases, type PhaseTotals } from '../source';
import { acquireBuildLease, type BuildLease } from '../lease';
import { BatchOutput } from './batch-output';
import type { BuildContext } from './build-context';
import { BuildNotes } from './build-notes';
import { Checkpoint, type BuildProgress } from './checkpoint';
import { DeferredRows } from './deferred-rows';
import { generationFiles } from './generation-files';
import { knowledgeGaps } from './knowledge-gaps';
import { batchManifest } from './manifest';
import { relevanceBeside } from './relevance-beside';
import { gapsFrom } from './scope';
import { sftRows } from './sft-rows';

export type { BuildProgress } from './checkpoint';

/** The build request is invalid (HTTP 400); nothing was started. */
export class BatchSpecError extends Error {
  override name = 'BatchSpecError';
  constructor(
    message: string,
    readonly paths: string[] = [],
  ) {
    super(message);
  }
}

export interface BuildOptions {
  /** Who builds (replica and process), recorded on the lease. */
  holder: string;
  leaseSeconds: number;
  progress?: BuildProgress;
  signal?: AbortSignal;
  /** Worker threads that find PII ahead of the build (0: none); default one fewer than the cores, at most 3. */
  redactionThreads?: number;
  /** Fewer replies and preferences than this are redacted on the build's own thread (threads take a second to start). */
  threadedFrom?: number;
}

const THREADED_FROM = 5000;

/** A build that holds its tenant's lease: `finished` settles when the batch is complete or thrown away. */
export interface StartedBuild {
  number: number;
  finished: Promise<BatchManifest>;
}

/**
 * Starts the tenant's next batch and resolves once it holds the build lease (or rejects with
 * BatchBuildBusyError / BatchSpecError). Only one build per tenant runs at a time (a lease in
 * Postgres); the files are written as chunks while the batch is `building` and become visible
 * together with its manifest in one transaction, so a half-built batch is never seen as complete.
 */
export async function startBatchBuild(db: Database, tenantId: string, request: unknown, options: BuildOptions): Promise<StartedBuild> {
  const parsed = BatchBuildRequest.safeParse(request ?? {});
  if (!parsed.success) throw new BatchSpecError(`invalid batch spec: ${describeIssues(parsed.error)}`, issuePaths(parsed.error));
  const lease = await acquireBuildLease(db, tenantId, options.holder, options.leaseSeconds);
  const finished = (async () => {
    try {
      return await build(db, tenantId, parsed.data, lease, options);
    } catch (error) {
      // Throw the half-built batch away, if it is still ours to throw away.
      await db
        .query(
          `DELETE FROM batches WHERE tenant_id = $1 AND number = $2 AND status = 'building'
             AND EXISTS (SELECT 1 FROM batch_build_leases WHERE tenant_id = $1 AND holder = $3)`,
          [tenantId, lease.number, options.holder],
        )
        .catch(() => {});
      throw error;
    } finally {
      await lease.release().catch(() => {});
    }
  })();
  return { number: lease.number, finished };
}

/** Builds the tenant's next batch and waits for it. */
export async function buildBatch(db: Database, tenantId: string, request: unknown, options: BuildOptions): Promise<{ number: number; manifest: BatchManifest }> {
  const build = await startBatchBuild(db, tenantId, request, options);
  return { number: build.number, manifest: await build.finished };
}

/** The spec in full: the watermark and the window's start resolved against what is stored. */
async function resolveSpec(db: Database, tenantId: string, request: z.infer<typeof BatchBuildRequest>) {
  const { rows: top } = await db.query<{ max: string }>('SELECT coalesce(max(seq), 0)::text AS max FROM annotations WHERE tenant_id = $1', [tenantId]);
  const newest = Number(top[0]!.max);
  const watermark = request.watermark ?? newest;
  if (watermark > newest) {
    throw new BatchSpecError(`watermark ${watermark} is beyond the newest annotation (${newest}); leave it out to include everything stored`, ['watermark']);
  }
  const { rows: earlier } = await db.query<{ number: number; manifest: string }>(
    `SELECT number, manifest FROM batches WHERE tenant_id = $1 AND status = 'complete' ORDER BY number`,
    [tenantId],
  );
  const previous = earlier.map((r) => ({ batch: r.number, manifest: JSON.parse(r.manifest) as BatchManifest }));
  const fromSeq = Math.min(previous.at(-1)?.manifest.spec.watermark ?? 0, watermark);
  const spec: BatchSpec = { ...request, watermark, fromSeq, redaction: REDACTION_VERSION };
  return { spec, previous };
}

/** The phases over the annotations, then the files and the manifest committed together. */
async function build(db: Database, tenantId: string, request: z.infer<typeof BatchBuildRequest>, lease: BuildLease, options: BuildOptions): Promise<BatchManifest> {
  const { number } = lease;
  const { spec, previous } = await resolveSpec(db, tenantId, request);
  await db.query('UPDATE batches SET spec = $3::jsonb WHERE tenant_id = $1 AND number = $2', [tenantId, number, JSON.stringify(spec)]);
  const notes = new BuildNotes();
  const totals = await countPhases(db, tenantId, spec.watermark, gapsFrom(spec));
  const pool = redactionPool(totals, options);
  const output = new BatchOutput(db, tenantId, number, notes);
  try {
    const ctx: BuildContext = {
      db,
      tenantId,
      spec,
      current: await loadCurrentArticles(db, tenantId),
      knowledge: new KnowledgeTexts(db, tenantId),
      redaction: new Redaction(pool),
      notes,
      output,
      checkpoint: new Checkpoint(lease, options.leaseSeconds, options.progress, options.signal),
      totals,
    };

    const relevance = relevanceBeside(ctx, output, options.progress, (progress, stop) => {
      const signal = options.signal ? AbortSignal.any([options.signal, stop]) : stop;
      return new Checkpoint(lease, options.leaseSeconds, progress, signal);
    });
    // The replies pass holds its sources lines back until the SFT rows it reserved places for are known.
    const held = new DeferredRows(output, notes, ['dpo.jsonl', 'kto.jsonl', 'eval.jsonl']);
    let sft: Awaited<ReturnType<typeof sftRows>>;
    try {
      sft = await sftRows(ctx, output, held, await generationFiles(ctx, held));
    } catch (error) {
      await relevance.abandon();
      throw error;
    } finally {
      await held.close();
    }
    await relevance.finish();
    await knowledgeGaps(ctx);
    ctx.checkpoint.done();

    const files = await output.close();
    const manifest = batchManifest({ number, spec, files, previous, notes, output, sft, redaction: ctx.redaction.counts });
    const manifestText = stringify(manifest, null, 2) + '\n';
    await db.transaction(async (tx) => {
      const held = await tx.query('SELECT 1 FROM batch_build_leases WHERE tenant_id = $1 AND holder = $2 AND number = $3 FOR UPDATE', [tenantId, options.holder, number]);
      if (held.rows.length === 0) throw new Error(`lost the build lease of batch ${number} (it expired and another build took it over)`);
      await recordFiles(tx, tenantId, number, files);
      await tx.query(`UPDATE batches SET status = 'complete', manifest = $3, completed_at = now() WHERE tenant_id = $1 AND number = $2`, [tenantId, number, manifestText]);
      await tx.query('DELETE FROM batch_build_leases WHERE tenant_id = $1 AND holder = $2', [tenantId, options.holder]);
    });
    return manifest;
  } finally {
    await pool?.close();
  }
}

/** Worker threads for PII, when the build is large enough to pay for starting them. */
function redactionPool(totals: PhaseTotals, options: BuildOptions): PiiPool | null {
  const threads = options.redactionThreads ?? defaultRedactionThreads();
  if (threads === 0) return null;
  return totals.replies >= (options.threadedFrom ?? THREADED_FROM) ? new PiiPool(threads) : null;
}
