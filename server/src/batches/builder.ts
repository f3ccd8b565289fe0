import stringify from 'safe-stable-stringify';
import {
  BATCH_DATA_FILES,
  BatchBuildRequest,
  SYNTHETIC_PROVENANCE,
  describeIssues,
  issuePaths,
  type Annotation,
  type ArmReply,
  type BatchDataFile,
  type BatchManifest,
  type BatchSpec,
  type ChatMessage,
  type DriftMetrics,
  type Impression,
  type Provenance,
} from '../../../lib/contract';
import type { z } from 'zod';
import type { Database } from '../db/database';
import { REDACTION_VERSION } from '../redaction/pii';
import { DriftCollector, driftWarnings } from './drift';
import { KnowledgeTexts, isSuperseded, loadCurrentArticles } from './examples/article-texts';
import { promptMessages, promptParts, type PromptParts } from './examples/prompt';
import { replyProvenance } from './examples/provenance';
import { Redaction } from './examples/row-redaction';
import { hashRank, rankThreshold } from './examples/sampling';
import { ticketPseudonym, ticketQuery } from './examples/ticket';
import { BatchFileWriter, recordFiles, type WrittenFile } from './files';
import { acquireBuildLease, type BuildLease } from './lease';
import { MinHashIndex, fnv1a, mix, shingles, words } from './near-duplicates';
import { annotationsBySeq, streamAnnotations, streamRelevanceByImpression, type SourceRow } from './source';

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

/** Where a long build reports how far it is (a progress bar on a terminal, nothing elsewhere). */
export interface BuildProgress {
  phase(name: string, total: number): void;
  advance(n: number): void;
  done(): void;
}

export interface BuildOptions {
  /** Who builds (replica and process), recorded on the lease. */
  holder: string;
  leaseSeconds: number;
  progress?: BuildProgress;
  signal?: AbortSignal;
}

/** Missing-knowledge reports kept as evidence on each gap. */
const GAP_EVIDENCE = 5;
const GAP_CHUNK = 100;
const STOPWORDS = new Set(
  'a an and are as at be but by can do does for from how i if in into is it its my no not of on or our the their there this to was we what when where which who why will with you your'.split(' '),
);

type Excluded = Record<string, number>;
const bump = (m: Record<string, number>, key: string, n = 1): void => {
  m[key] = (m[key] ?? 0) + n;
};

/**
 * Admits examples into one file: at most `maxPerTicket` per ticket and, optionally, no
 * near-duplicate completions. What it turns away is counted in `excluded` as `<file>.<reason>`.
 */
class Gate {
  private readonly perTicket = new Map<number, number>();
  private readonly index: MinHashIndex | null;

  constructor(
    private readonly file: string,
    private readonly excluded: Excluded,
    private readonly maxPerTicket: number,
    nearDuplicate: number | null = null,
  ) {
    this.index = nearDuplicate === null ? null : new MinHashIndex({ bands: 8, rows: 4, threshold: nearDuplicate });
  }

  /** `count: false` for rows outside the batch's window, whose exclusion is not this batch's news. */
  admit(ticketKey: string, completion?: string, count = true): boolean {
    // 53 bits from two 32-bit hashes: collisions among a few million tickets are negligible.
    const h = fnv1a(ticketKey);
    const key = h * 2 ** 21 + (mix(h ^ 0x5bd1e995) >>> 11);
    const n = this.perTicket.get(key) ?? 0;
    let refused: string | null = n >= this.maxPerTicket ? 'per_ticket_cap' : null;
    if (!refused && this.index && completion !== undefined) {
      const grams = shingles(completion, 3);
      if (grams.length > 0) {
        const sig = this.index.signature(grams);
        if (this.index.find(sig) >= 0) refused = 'near_duplicate';
        else this.index.add(sig);
      }
    }
    if (refused) {
      if (count) bump(this.excluded, `${this.file}.${refused}`);
      return false;
    }
    this.perTicket.set(key, n + 1);
    return true;
  }
}

interface SftCandidate {
  text: string;
  provenance: Provenance;
  synthetic: boolean;
}

type Writers = Record<BatchDataFile, BatchFileWriter>;

/** Where one annotation stands: in the batch's window, which ticket, held out for eval, its prompt. */
interface RowAt {
  inScope: boolean;
  ticketKey: string;
  ticket: string;
  held: boolean;
  prompt: () => Promise<PromptParts>;
}

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
      return await new BatchBuild(db, tenantId, parsed.data, lease, options).run();
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

class BatchBuild {
  private spec!: BatchSpec;
  private readonly redaction = new Redaction();
  private readonly knowledge: KnowledgeTexts;
  private current = new Map<string, { version: number; retired: boolean }>();
  private readonly excluded: Excluded = {};
  private readonly provenance: Record<string, Record<string, number>> = {};
  private readonly drift = new DriftCollector();
  private readonly versions = { kb: new Set<string>(), retriever: new Set<string>(), reranker: new Set<string>(), arms: new Map<string, { armId: string; model: string; promptVersion: string }>(), thresholds: new Set<string>() };
  // Times as epoch ms: createdAt strings may carry different offsets, so they do not sort as text.
  private readonly window = { annotations: 0, first: Infinity, last: -Infinity };
  private writers!: Writers;
  private lastRenewal = Date.now();
  // SFT composition, decided by the census.
  private sftCandidates = { human: 0, synthetic: 0 };
  private sftKept = { human: 0, synthetic: 0, anchors: 0 };
  private syntheticThreshold = -1;
  private anchorThreshold = -1;

  constructor(
    private readonly db: Database,
    private readonly tenantId: string,
    private readonly request: z.infer<typeof BatchBuildRequest>,
    private readonly lease: BuildLease,
    private readonly options: BuildOptions,
  ) {
    this.knowledge = new KnowledgeTexts(db, tenantId);
  }

  async run(): Promise<BatchManifest> {
    const { db, tenantId } = this;
    const number = this.lease.number;
    const { rows: top } = await db.query<{ max: string }>('SELECT coalesce(max(seq), 0)::text AS max FROM annotations WHERE tenant_id = $1', [tenantId]);
    const newest = Number(top[0]!.max);
    const watermark = this.request.watermark ?? newest;
    if (watermark > newest) {
      throw new BatchSpecError(`watermark ${watermark} is beyond the newest annotation (${newest}); leave it out to include everything stored`, ['watermark']);
    }
    const { rows: earlier } = await db.query<{ number: number; manifest: string }>(
      `SELECT number, manifest FROM batches WHERE tenant_id = $1 AND status = 'complete' ORDER BY number`,
      [tenantId],
    );
    const previous = earlier.map((r) => ({ batch: r.number, manifest: JSON.parse(r.manifest) as BatchManifest }));
    const fromSeq = Math.min(previous.at(-1)?.manifest.spec.watermark ?? 0, watermark);
    this.spec = { ...this.request, watermark, fromSeq, redaction: REDACTION_VERSION };
    await db.query('UPDATE batches SET spec = $3::jsonb WHERE tenant_id = $1 AND number = $2', [tenantId, number, JSON.stringify(this.spec)]);
    this.current = await loadCurrentArticles(db, tenantId);

    this.writers = Object.fromEntries(BATCH_DATA_FILES.map((name) => [name, new BatchFileWriter(db, tenantId, number, name)])) as Writers;
    await this.sftCensus();
    await this.generationFiles();
    await this.retrievalFiles();
    await this.knowledgeGaps();
    this.options.progress?.done();

    const files: WrittenFile[] = [];
    for (const name of BATCH_DATA_FILES) files.push(await this.writers[name].close());
    const manifest = this.manifest(number, files, previous);
    const manifestText = stringify(manifest, null, 2) + '\n';

    await db.transaction(async (tx) => {
      const held = await tx.query('SELECT 1 FROM batch_build_leases WHERE tenant_id = $1 AND holder = $2 AND number = $3 FOR UPDATE', [tenantId, this.options.holder, number]);
      if (held.rows.length === 0) throw new Error(`lost the build lease of batch ${number} (it expired and another build took it over)`);
      await recordFiles(tx, tenantId, number, files);
      await tx.query(`UPDATE batches SET status = 'complete', manifest = $3, completed_at = now() WHERE tenant_id = $1 AND number = $2`, [tenantId, number, manifestText]);
      await tx.query('DELETE FROM batch_build_leases WHERE tenant_id = $1 AND holder = $2', [tenantId, this.options.holder]);
    });
    return manifest;
  }

  // Housekeeping between pages --------------------------------------------------------------------

  private async checkpoint(rows: number): Promise<void> {
    this.options.progress?.advance(rows);
    if (this.options.signal?.aborted) throw new Error('the batch build was cancelled (the server is shutting down)');
    if (Date.now() - this.lastRenewal > (this.options.leaseSeconds * 1000) / 3) {
      if (!(await this.lease.renew())) throw new Error(`lost the build lease of batch ${this.lease.number}; another build took over`);
      this.lastRenewal = Date.now();
    }
  }

  private async count(types: string[], fromSeq = 0): Promise<number> {
    const { rows } = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM annotations WHERE tenant_id = $1 AND type = ANY($2::text[]) AND seq > $3 AND seq <= $4',
      [this.tenantId, types, fromSeq, this.spec.watermark],
    );
    return rows[0]!.n;
  }

  private inScope(seq: number): boolean {
    return this.spec.policy === 'accumulate' || seq > this.spec.fromSeq;
  }

  private isEval(ticketKey: string): boolean {
    // Salted by nothing that changes between batches: a ticket held out once stays held out.
    return hashRank('eval', ticketKey) < this.spec.evalShare;
  }

  private armSuperseded(impression: Impression, arm: ArmReply): boolean {
    return arm.citedArticleIds.some((id) => {
      const shown = impression.articles.find((a) => a.id.toLowerCase() === id.toLowerCase());
      return shown !== undefined && isSuperseded(this.current, shown.id, shown.version);
    });
  }

  private noteVersions(impression: Impression): void {
    this.versions.kb.add(impression.versions.kb);
    this.versions.retriever.add(impression.versions.retriever);
    this.versions.reranker.add(impression.versions.reranker);
    for (const arm of impression.arms) this.versions.arms.set(`${arm.armId}\u0000${arm.model}\u0000${arm.promptVersion}`, { armId: arm.armId, model: arm.model, promptVersion: arm.promptVersion });
  }

  private noteWindow(row: SourceRow): void {
    this.window.annotations++;
    const at = Date.parse(row.annotation.createdAt);
    this.window.first = Math.min(this.window.first, at);
    this.window.last = Math.max(this.window.last, at);
  }

  /** The SFT target an adoption offers, or why it offers none. */
  private sftCandidate(row: SourceRow): SftCandidate | string {
    const a = row.annotation;
    if (a.type !== 'adoption') return 'not_adoption';
    if (!row.impression) return 'no_impression';
    if (a.payload.channel === 'internal') return 'internal_note';
    const text = a.payload.sentText;
    if (text === null || text.trim() === '') return 'no_sent_text';
    const provenance = replyProvenance(a.payload.outcome);
    const arm = row.impression.arms.find((x) => x.slot === a.payload.slot);
    if (provenance !== 'agent_written' && arm && this.armSuperseded(row.impression, arm)) return 'superseded_article';
    return { text, provenance, synthetic: SYNTHETIC_PROVENANCE.includes(provenance) };
  }

  // Phase 1: how many SFT targets of each kind survive, so the caps can be met by sampling -------

  private async sftCensus(): Promise<void> {
    // A dry run of the generation pass's SFT gate: same rows, same order, same decisions.
    const gate = new Gate('sft', {}, this.spec.maxPerTicket, this.spec.nearDuplicate);
    const syntheticRanks: number[] = [];
    const anchorRanks: number[] = [];
    let human = 0;
    this.options.progress?.phase('census of replies', await this.count(['adoption']));
    for await (const page of streamAnnotations(this.db, this.tenantId, { types: ['adoption'], fromSeq: 0, toSeq: this.spec.watermark, withContext: false })) {
      for (const row of page) {
        const c = this.sftCandidate(row);
        const ticketKey = `${row.annotation.ticket.platform}:${row.annotation.ticket.ticketId}`;
        if (typeof c === 'string' || this.isEval(ticketKey)) continue;
        if (!gate.admit(ticketKey, c.text)) continue;
        if (this.inScope(row.seq)) {
          if (c.synthetic) syntheticRanks.push(hashRank(this.spec.seed, 'synthetic', row.annotation.id));
          else human++;
        } else if (!c.synthetic) {
          anchorRanks.push(hashRank(this.spec.seed, 'anchor', row.annotation.id));
        }
      }
      await this.checkpoint(page.length);
    }
    const synthetic = syntheticRanks.length;
    this.sftCandidates = { human, synthetic };
    const { anchorShare, syntheticCap } = this.spec;
    // Anchors: re-sampled human-written replies from before the window, enough to reach the anchor share.
    const anchorsNeeded = anchorShare >= 1 ? anchorRanks.length : Math.ceil(Math.max(0, (anchorShare * (human + synthetic) - human) / (1 - anchorShare)));
    const anchors = Math.min(anchorRanks.length, anchorsNeeded);
    // Synthetic targets: at most syntheticCap of the file, and never so many that humans fall below the anchor share.
    const maxShare = Math.min(syntheticCap, 1 - anchorShare);
    const allowed = Math.min(synthetic, Math.floor((maxShare * (human + anchors)) / (1 - maxShare) + 1e-9));
    this.syntheticThreshold = rankThreshold(syntheticRanks, allowed);
    this.anchorThreshold = rankThreshold(anchorRanks, anchors);
  }

  // Phase 2: sft, dpo, kto and the reply/preference part of eval ----------------------------------

  private async generationFiles(): Promise<void> {
    const sftGate = new Gate('sft', this.excluded, this.spec.maxPerTicket, this.spec.nearDuplicate);
    const dpoGate = new Gate('dpo', this.excluded, this.spec.maxPerTicket);
    const ktoGate = new Gate('kto', this.excluded, this.spec.maxPerTicket);
    this.options.progress?.phase('replies and preferences', await this.count(['adoption', 'preference']));
    for await (const page of streamAnnotations(this.db, this.tenantId, { types: ['adoption', 'preference'], fromSeq: 0, toSeq: this.spec.watermark, withContext: true })) {
      await this.knowledge.load(page.flatMap((r) => r.impression?.articles ?? []));
      for (const row of page) await this.generationRow(row, sftGate, dpoGate, ktoGate);
      await this.checkpoint(page.length);
    }
  }

  private async generationRow(row: SourceRow, sftGate: Gate, dpoGate: Gate, ktoGate: Gate): Promise<void> {
    const a = row.annotation;
    const ticketKey = `${a.ticket.platform}:${a.ticket.ticketId}`;
    let parts: PromptParts | null = null;
    const at: RowAt = {
      inScope: this.inScope(row.seq),
      ticketKey,
      ticket: ticketPseudonym(this.tenantId, a.ticket.platform, a.ticket.ticketId),
      held: this.isEval(ticketKey),
      // The prompt is rebuilt once per annotation, and only if a row needs it.
      prompt: async () => (parts ??= await promptParts(this.redaction, this.knowledge, row.impression!, row.context, this.spec.articleChars)),
    };
    if (a.type === 'adoption') await this.adoptionRow(row as SourceRow & { annotation: typeof a }, at, sftGate, dpoGate, ktoGate);
    else if (a.type === 'preference' && at.inScope) await this.preferenceRow(row as SourceRow & { annotation: typeof a }, at, dpoGate);
  }

  /** SFT (the sent reply), KTO (the model's reply, adopted or not), DPO (the agent's reply over the model's). */
  private async adoptionRow(row: SourceRow & { annotation: Extract<Annotation, { type: 'adoption' }> }, at: RowAt, sftGate: Gate, dpoGate: Gate, ktoGate: Gate): Promise<void> {
    const a = row.annotation;
    const { inScope, ticketKey, ticket, held, prompt } = at;
    const c = this.sftCandidate(row);
    if (inScope) {
      this.noteWindow(row);
      if (row.impression) this.noteVersions(row.impression);
      const arm = row.impression?.arms.find((x) => x.slot === a.payload.slot);
      this.drift.adoption(a.payload.outcome, a.payload.slot === null ? null : (arm?.armId ?? 'unknown'));
      const t = a.payload.thresholds;
      this.versions.thresholds.add(JSON.stringify({ asIs: t.asIs, lightEdit: t.lightEdit, heavyEdit: t.heavyEdit }));
    }
    if (typeof c !== 'string' && !held) {
      const admitted = sftGate.admit(ticketKey, c.text, inScope);
      // In the window: every human reply, and synthetic ones up to the cap. Before it: re-sampled human anchors.
      const anchor = admitted && !inScope && !c.synthetic && hashRank(this.spec.seed, 'anchor', a.id) <= this.anchorThreshold;
      const keep = anchor || (admitted && inScope && (!c.synthetic || hashRank(this.spec.seed, 'synthetic', a.id) <= this.syntheticThreshold));
      if (admitted && inScope && !keep) bump(this.excluded, 'sft.synthetic_cap');
      if (keep) {
        const r = this.redaction.row();
        const messages = promptMessages(await prompt(), r);
        const reply = r.apply(c.text, (await this.redaction.scan(c.text, false)).spans);
        await this.write('sft.jsonl', { messages: [...messages, { role: 'assistant', content: reply }] }, row, ticket, c.provenance, null, a.payload.outcome, anchor);
        if (anchor) this.sftKept.anchors++;
        else if (c.synthetic) this.sftKept.synthetic++;
        else this.sftKept.human++;
        this.drift.sftReply(reply, c.synthetic, hashRank('diversity', a.id));
      }
    } else if (typeof c === 'string' && inScope && c !== 'not_adoption') {
      bump(this.excluded, `sft.${c}`);
    }
    if (!inScope || !row.impression || a.payload.slot === null) return;
    const arm = row.impression.arms.find((x) => x.slot === a.payload.slot);
    if (!arm) return bump(this.excluded, 'adoption.unknown_arm');
    if (held) {
      if (typeof c !== 'string' && !c.synthetic) {
        const r = this.redaction.row();
        await this.writeEval({ task: 'reply', prompt: promptMessages(await prompt(), r), reference: await this.redactWith(r, c.text), label: a.payload.outcome }, row, ticket, c.provenance);
      }
      return;
    }
    if (this.armSuperseded(row.impression, arm)) return bump(this.excluded, 'adoption.superseded_article');
    const outcome = a.payload.outcome;
    if (outcome === 'as_is' || outcome === 'light_edit' || outcome === 'discarded') {
      // KTO judges the model's own reply: adopted (as is or lightly edited) or discarded.
      if (ktoGate.admit(ticketKey)) {
        const r = this.redaction.row();
        const messages = promptMessages(await prompt(), r);
        const completion = await this.redactWith(r, arm.text);
        await this.write('kto.jsonl', { prompt: messages, completion: [{ role: 'assistant', content: completion }], label: outcome !== 'discarded' }, row, ticket, 'model_unedited', null, outcome, false);
      }
    }
    if ((outcome === 'heavy_edit' || outcome === 'discarded') && a.payload.sentText && a.payload.channel !== 'internal') {
      // What the agent sent instead, preferred over the suggestion it replaced.
      if (normalised(a.payload.sentText) === normalised(arm.text)) return bump(this.excluded, 'dpo.identical_pair');
      if (!dpoGate.admit(ticketKey)) return;
      const r = this.redaction.row();
      const messages = promptMessages(await prompt(), r);
      const chosen = await this.redactWith(r, a.payload.sentText);
      const rejected = await this.redactWith(r, arm.text);
      await this.write('dpo.jsonl', dpoRow(messages, chosen, rejected), row, ticket, replyProvenance(outcome), 'model_unedited', outcome, false);
    }
  }

  /** DPO: the arm the agent preferred over the other. */
  private async preferenceRow(row: SourceRow & { annotation: Extract<Annotation, { type: 'preference' }> }, at: RowAt, dpoGate: Gate): Promise<void> {
    const a = row.annotation;
    const { ticketKey, ticket, held, prompt } = at;
    this.noteWindow(row);
    if (!row.impression) return bump(this.excluded, 'dpo.no_impression');
    this.noteVersions(row.impression);
    const { verdict, strength } = a.payload;
    if (verdict !== 'A' && verdict !== 'B') return bump(this.excluded, 'dpo.no_winner');
    const winner = row.impression.arms.find((x) => x.slot === verdict);
    const loser = row.impression.arms.find((x) => x.slot !== verdict);
    if (!winner || !loser) return bump(this.excluded, 'dpo.unknown_arm');
    if (this.armSuperseded(row.impression, winner) || this.armSuperseded(row.impression, loser)) return bump(this.excluded, 'dpo.superseded_article');
    if (!held && !dpoGate.admit(ticketKey)) return;
    const r = this.redaction.row();
    const messages = promptMessages(await prompt(), r);
    const chosen = await this.redactWith(r, winner.text);
    const rejected = await this.redactWith(r, loser.text);
    if (held) return this.writeEval({ task: 'preference', prompt: messages, chosen, rejected, label: strength ?? null }, row, ticket, 'model_unedited');
    await this.write('dpo.jsonl', dpoRow(messages, chosen, rejected), row, ticket, 'model_unedited', 'model_unedited', strength ?? null, false);
  }

  // Phase 3: retrieval_triplets, rerank_pairs and the relevance part of eval ----------------------

  private async retrievalFiles(): Promise<void> {
    const tripletGate = new Gate('triplets', this.excluded, this.spec.maxPerTicket);
    const rerankGate = new Gate('rerank', this.excluded, this.spec.maxPerTicket);
    this.options.progress?.phase('relevance labels', await this.count(['relevance']));
    let pending = 0;
    for await (const group of streamRelevanceByImpression(this.db, this.tenantId, this.spec.watermark)) {
      await this.relevanceGroup(group, tripletGate, rerankGate);
      pending += group.length;
      if (pending >= 500) {
        await this.checkpoint(pending);
        pending = 0;
      }
    }
    await this.checkpoint(pending);
  }

  private async relevanceGroup(group: SourceRow[], tripletGate: Gate, rerankGate: Gate): Promise<void> {
    // The latest label of each article wins (an agent may change their mind).
    const latest = new Map<string, SourceRow & { annotation: Extract<Annotation, { type: 'relevance' }> }>();
    for (const row of group) {
      if (row.annotation.type !== 'relevance' || !this.inScope(row.seq)) continue;
      this.noteWindow(row);
      latest.set(`${row.annotation.payload.articleId.toLowerCase()}@${row.annotation.payload.articleVersion}`, row as SourceRow & { annotation: Extract<Annotation, { type: 'relevance' }> });
    }
    if (latest.size === 0) return;
    const first = group[0]!;
    if (!first.impression) return bump(this.excluded, 'relevance.no_impression', latest.size);
    this.noteVersions(first.impression);
    const labels = [...latest.values()].filter((row) => {
      const stale = isSuperseded(this.current, row.annotation.payload.articleId, row.annotation.payload.articleVersion);
      if (stale) bump(this.excluded, 'relevance.superseded_article');
      return !stale;
    });
    const query = ticketQuery(first.context);
    if (query === '') return bump(this.excluded, 'relevance.no_query', labels.length);
    const { ticket: ref } = first.annotation;
    const ticketKey = `${ref.platform}:${ref.ticketId}`;
    const ticket = ticketPseudonym(this.tenantId, ref.platform, ref.ticketId);
    const shown = (row: (typeof labels)[number]) => {
      const p = row.annotation.payload;
      const article = first.impression!.articles.find((x) => x.id.toLowerCase() === p.articleId.toLowerCase() && x.version === p.articleVersion);
      return article ?? { id: p.articleId, version: p.articleVersion, title: '', snippet: '' };
    };
    await this.knowledge.load(labels.map((row) => shown(row)));
    const passage = (row: (typeof labels)[number]) => {
      const t = this.knowledge.text(shown(row));
      return `${t.title}\n${t.body.slice(0, this.spec.articleChars)}`;
    };
    const score = { relevant: 1, partial: 0.5, irrelevant: 0, outdated: 0 } as const;

    if (this.isEval(ticketKey)) {
      for (const row of labels) {
        const r = this.redaction.row();
        await this.writeEval({ task: 'relevance', prompt: [], query: await this.redactWith(r, query), passage: await this.redactWith(r, passage(row)), label: row.annotation.payload.label }, row, ticket, 'kb_human');
      }
      return;
    }
    for (const row of labels) {
      if (!rerankGate.admit(ticketKey)) continue;
      const r = this.redaction.row();
      const q = await this.redactWith(r, query);
      const p = await this.redactWith(r, passage(row));
      await this.write('rerank_pairs.jsonl', { query: q, passage: p, label: score[row.annotation.payload.label] }, row, ticket, 'kb_human', null, row.annotation.payload.label, false);
    }
    // Triplets: the ticket's question, an article marked relevant, and one shown but marked irrelevant or outdated.
    const positives = labels.filter((row) => row.annotation.payload.label === 'relevant');
    const negatives = labels.filter((row) => row.annotation.payload.label === 'irrelevant' || row.annotation.payload.label === 'outdated');
    for (const pos of positives) {
      for (const neg of negatives) {
        if (!tripletGate.admit(ticketKey)) continue;
        const r = this.redaction.row();
        const row = { anchor: await this.redactWith(r, query), positive: await this.redactWith(r, passage(pos)), negative: await this.redactWith(r, passage(neg)) };
        await this.writeRow('retrieval_triplets.jsonl', row, {
          annotationIds: [pos.annotation.id, neg.annotation.id],
          impressionIds: [pos.annotation.impressionId],
          ticket,
          provenance: 'kb_human',
          rejectedProvenance: 'kb_human',
          signal: `${pos.annotation.payload.label}/${neg.annotation.payload.label}`,
          anchor: false,
        });
      }
    }
  }

  // Phase 4: knowledge gaps, clustered with bounded memory -----------------------------------------

  private async knowledgeGaps(): Promise<void> {
    const index = new MinHashIndex({ bands: 16, rows: 2, threshold: this.spec.gapSimilarity });
    // Per gap only counters and the seqs of its first reports; the texts are fetched again to write.
    const gaps: { count: number; first: number; last: number; categories: Record<string, number>; evidence: number[] }[] = [];
    const from = this.spec.policy === 'accumulate' ? 0 : this.spec.fromSeq;
    this.options.progress?.phase('knowledge gaps', await this.count(['missing_knowledge'], from));
    for await (const page of streamAnnotations(this.db, this.tenantId, { types: ['missing_knowledge'], fromSeq: from, toSeq: this.spec.watermark, withContext: false, withImpression: false })) {
      for (const row of page) {
        const a = row.annotation;
        if (a.type !== 'missing_knowledge') continue;
        this.noteWindow(row);
        const tokens = words(`${a.payload.description} ${a.payload.suggestedTitle ?? ''}`).filter((w) => !STOPWORDS.has(w));
        const sig = index.signature(tokens.length > 0 ? shingles(tokens.join(' '), 1) : shingles(a.payload.description, 1));
        let id = index.find(sig);
        if (id < 0) {
          id = index.add(sig);
          gaps.push({ count: 0, first: Infinity, last: -Infinity, categories: {}, evidence: [] });
        }
        const gap = gaps[id]!;
        const at = Date.parse(a.createdAt);
        gap.count++;
        gap.first = Math.min(gap.first, at);
        gap.last = Math.max(gap.last, at);
        bump(gap.categories, a.payload.category ?? 'uncategorised');
        if (gap.evidence.length < GAP_EVIDENCE) gap.evidence.push(row.seq);
      }
      await this.checkpoint(page.length);
    }
    for (let start = 0; start < gaps.length; start += GAP_CHUNK) {
      const chunk = gaps.slice(start, start + GAP_CHUNK);
      await this.checkpoint(0);
      const rows = await annotationsBySeq(this.db, this.tenantId, chunk.flatMap((g) => g.evidence));
      for (const [i, gap] of chunk.entries()) {
        const r = this.redaction.row();
        const reports = [];
        for (const seq of gap.evidence) {
          const row = rows.get(seq)!;
          const a = row.annotation as Extract<Annotation, { type: 'missing_knowledge' }>;
          reports.push({
            annotationId: a.id,
            ticket: ticketPseudonym(this.tenantId, a.ticket.platform, a.ticket.ticketId),
            description: await this.redactWith(r, a.payload.description),
            category: a.payload.category ?? null,
            suggestedTitle: a.payload.suggestedTitle === undefined ? null : await this.redactWith(r, a.payload.suggestedTitle),
            query: await this.redactWith(r, ticketQuery(row.context).slice(0, 2000)),
            shownArticles: (row.impression?.articles ?? []).map((x) => ({ id: x.id, version: x.version, title: x.title, rank: x.rank })),
          });
        }
        const categories = Object.fromEntries(Object.entries(gap.categories).sort(([x], [y]) => (x < y ? -1 : 1)));
        const line = {
          gap: start + i + 1,
          reportCount: gap.count,
          description: reports[0]!.description,
          categories,
          firstReportedAt: new Date(gap.first).toISOString(),
          lastReportedAt: new Date(gap.last).toISOString(),
          reports,
        };
        await this.writeRow('knowledge_gaps.jsonl', line, {
          annotationIds: reports.map((x) => x.annotationId),
          impressionIds: [...new Set(gap.evidence.map((seq) => rows.get(seq)!.annotation.impressionId))],
          ticket: reports[0]!.ticket,
          provenance: 'agent_written',
          rejectedProvenance: null,
          signal: null,
          anchor: false,
        });
      }
    }
  }

  // Writing -----------------------------------------------------------------------------------------

  private async redactWith(r: ReturnType<Redaction['row']>, text: string): Promise<string> {
    return r.apply(text, (await this.redaction.scan(text, text.length > 200)).spans);
  }

  private async write(file: BatchDataFile, row: object, source: SourceRow, ticket: string, provenance: Provenance | null, rejectedProvenance: Provenance | null, signal: string | null, anchor: boolean) {
    await this.writeRow(file, row, {
      annotationIds: [source.annotation.id],
      impressionIds: [source.annotation.impressionId],
      ticket,
      provenance,
      rejectedProvenance,
      signal,
      anchor,
    });
  }

  private async writeEval(row: { task: 'reply' | 'preference' | 'relevance'; prompt: ChatMessage[]; reference?: string; chosen?: string; rejected?: string; query?: string; passage?: string; label: string | null }, source: SourceRow, ticket: string, provenance: Provenance) {
    const line = {
      task: row.task,
      prompt: row.prompt,
      reference: row.reference ?? null,
      chosen: row.chosen ?? null,
      rejected: row.rejected ?? null,
      query: row.query ?? null,
      passage: row.passage ?? null,
      label: row.label,
    };
    bump(this.excluded, `eval.${row.task}`);
    await this.write('eval.jsonl', line, source, ticket, provenance, null, row.label, false);
  }

  private async writeRow(file: BatchDataFile, row: object, source: { annotationIds: string[]; impressionIds: string[]; ticket: string; provenance: Provenance | null; rejectedProvenance: Provenance | null; signal: string | null; anchor: boolean }) {
    const line = this.writers[file].line;
    await this.writers[file].writeRow(JSON.stringify(row));
    if (source.provenance) bump((this.provenance[file] ??= {}), source.provenance);
    await this.writers['sources.jsonl'].writeRow(JSON.stringify({ file, line, ...source }));
  }

  private manifest(number: number, files: WrittenFile[], previous: { batch: number; manifest: BatchManifest }[]): BatchManifest {
    const current = this.drift.metrics();
    const history = previous.slice(-10).map((p) => ({ batch: p.batch, metrics: p.manifest.drift.current }));
    const drift = driftWarnings(
      history.map((h) => h.metrics as DriftMetrics),
      current,
    );
    const warnings = [...drift];
    if (this.spec.policy === 'latest-only') {
      warnings.unshift('policy latest-only is risky: training only on the newest data is the regime in which model-written text amplifies its own biases; use accumulate');
    }
    const keptTotal = this.sftKept.human + this.sftKept.synthetic + this.sftKept.anchors;
    const sorted = (s: Set<string>) => [...s].sort();
    return {
      format: 'aitl-batch/1',
      batch: number,
      spec: this.spec,
      window: {
        fromSeq: this.spec.policy === 'accumulate' ? 0 : this.spec.fromSeq,
        toSeq: this.spec.watermark,
        annotations: this.window.annotations,
        firstAnnotationAt: this.window.annotations ? new Date(this.window.first).toISOString() : null,
        lastAnnotationAt: this.window.annotations ? new Date(this.window.last).toISOString() : null,
      },
      versions: {
        kb: sorted(this.versions.kb),
        retriever: sorted(this.versions.retriever),
        reranker: sorted(this.versions.reranker),
        arms: [...this.versions.arms.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, v]) => v),
        adoptionThresholds: sorted(this.versions.thresholds).map((t) => JSON.parse(t)),
      },
      files: files.map(({ name, rows, bytes, sha256 }) => ({ name, rows, bytes, sha256 })),
      provenance: this.provenance,
      sft: {
        syntheticCap: this.spec.syntheticCap,
        anchorShare: this.spec.anchorShare,
        candidates: this.sftCandidates,
        kept: this.sftKept,
        syntheticDropped: this.sftCandidates.synthetic - this.sftKept.synthetic,
        syntheticShare: keptTotal ? round(this.sftKept.synthetic / keptTotal) : 0,
        humanShare: keptTotal ? round((this.sftKept.human + this.sftKept.anchors) / keptTotal) : 0,
      },
      excluded: this.excluded,
      redaction: this.redaction.counts,
      drift: { current, history, warnings: drift },
      warnings,
    };
  }
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;
const normalised = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

function dpoRow(prompt: ChatMessage[], chosen: string, rejected: string) {
  return { prompt, chosen: [{ role: 'assistant', content: chosen }], rejected: [{ role: 'assistant', content: rejected }] };
}
