import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { LIMITS, LabelledTicket, describeIssues, type EvalReport } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { knowledgeBaseState, kbVersion } from './knowledge-base';
import { Reranker } from './reranker';
import { DEFAULT_STAGE_ONE, PLAIN_BM25_STAGE_ONE, type RetrievalSet, type StageOne } from './retrieval';
import { Retriever } from './retriever';
import { ticketQuery } from './ticket-query';

/** A labelled-tickets file cannot be read; `problems` name file and line. */
export class EvalInputError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot evaluate; fix these first:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
  }
}

/** Reads a JSONL file of labelled tickets (one `LabelledTicket` a line; blank lines ignored). */
export function readLabelledTickets(file: string): LabelledTicket[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new EvalInputError([`${file}: cannot read: ${(error as Error).message}`]);
  }
  const problems: string[] = [];
  const tickets: LabelledTicket[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const at = `${file}:${i + 1}`;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (error) {
      problems.push(`${at}: not valid JSON (${(error as Error).message})`);
      return;
    }
    const parsed = LabelledTicket.safeParse(raw);
    if (!parsed.success) {
      problems.push(`${at}: ${describeIssues(parsed.error)}`);
      return;
    }
    const first = seen.get(parsed.data.ticketId);
    if (first) problems.push(`${at}: ticketId ${parsed.data.ticketId} is already used on line ${first}`);
    seen.set(parsed.data.ticketId, i + 1);
    tickets.push(parsed.data);
  });
  if (problems.length > 0) throw new EvalInputError(problems);
  if (tickets.length === 0) throw new EvalInputError([`${file}: holds no tickets`]);
  return tickets;
}

/**
 * A fixed split by hashed ticket id, so tuning never sees the tickets it is judged on: one third
 * of any labelled set is for training (the reranker's weights, any retriever change), the other two
 * thirds are held out for evaluation.
 */
export type TicketSplit = 'all' | 'training' | 'held-out';
export function isTrainingTicket(ticketId: string): boolean {
  return createHash('sha256').update(ticketId).digest().readUInt32BE(0) % 3 === 0;
}
export function selectSplit(tickets: LabelledTicket[], split: TicketSplit): LabelledTicket[] {
  if (split === 'all') return tickets;
  return tickets.filter((t) => isTrainingTicket(t.ticketId) === (split === 'training'));
}

export const labelledQuery = (t: LabelledTicket) => ticketQuery({ subject: t.subject, messages: t.messages });

export interface EvalResult {
  report: EvalReport;
  /** Stage one alone: precision of its own top 8 (what the reranker adds is the difference). */
  firstStagePrecisionAt8: number;
  /** The best precision@8 this set allows: most tickets have one or two relevant articles, not eight. */
  precisionCeiling: number;
  /** Share of tickets with at least one relevant article in the shown 8. */
  hitAt8: number;
  /** Mean reciprocal rank of the first relevant article in the shown 8 (0 when none). */
  mrrAt8: number;
  /** Tickets without labels (knowledge gaps): not scored. */
  unlabelled: number;
  /** Labelled external ids that are not live articles of the knowledge base. */
  unknownIds: string[];
  /** Why vector search was not used for some tickets (embeddings configured but failing). */
  warnings: string[];
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);

/**
 * DESIGN.md's offline retrieval metrics over labelled tickets, run through the same retrieval and
 * reranking code as /v1/suggestions:
 * recall@75 = |relevant ∩ first-stage 75| / |relevant|, precision@8 = |relevant ∩ shown 8| / 8,
 * each averaged over the tickets that have relevant articles.
 */
export async function evaluateRetrieval(
  db: Sql,
  tenantId: string,
  tickets: LabelledTicket[],
  reranker: Reranker,
  retriever: Retriever = new Retriever(null),
  stageOne: StageOne = DEFAULT_STAGE_ONE,
): Promise<EvalResult> {
  const versions = new Map<string, number>();
  const warnings = new Set<string>();
  const recall: number[] = [];
  const precision: number[] = [];
  const firstStagePrecision: number[] = [];
  const ceiling: number[] = [];
  const hits: number[] = [];
  const reciprocal: number[] = [];
  let unlabelled = 0;
  for (const ticket of tickets) {
    if (ticket.relevant.length === 0) {
      unlabelled++;
      continue;
    }
    const relevant = new Set(ticket.relevant);
    ceiling.push(Math.min(relevant.size, LIMITS.shownArticles) / LIMITS.shownArticles);
    const { set, version, warning } = await retriever.retrieve(db, tenantId, labelledQuery(ticket), undefined, stageOne);
    versions.set(version, (versions.get(version) ?? 0) + 1);
    if (warning) warnings.add(warning);
    const shown = reranker.rerank(set, LIMITS.shownArticles);
    const found = (ids: string[]) => ids.filter((id) => relevant.has(id)).length;
    recall.push(found(set.candidates.map((c) => c.externalId)) / relevant.size);
    precision.push(found(shown.map((c) => c.externalId)) / LIMITS.shownArticles);
    firstStagePrecision.push(found(set.candidates.slice(0, LIMITS.shownArticles).map((c) => c.externalId)) / LIMITS.shownArticles);
    const first = shown.findIndex((c) => relevant.has(c.externalId));
    hits.push(first >= 0 ? 1 : 0);
    reciprocal.push(first >= 0 ? 1 / (first + 1) : 0);
  }
  const labelled = [...new Set(tickets.flatMap((t) => t.relevant))];
  const { rows } = await db.query<{ external_id: string }>(
    'SELECT external_id FROM knowledge_articles WHERE tenant_id = $1 AND retired_at IS NULL AND external_id = ANY($2::text[])',
    [tenantId, labelled],
  );
  const live = new Set(rows.map((r) => r.external_id));
  const state = await knowledgeBaseState(db, tenantId);
  return {
    report: {
      'recall@75': mean(recall),
      'precision@8': mean(precision),
      tickets: recall.length,
      // The version most tickets ran with; `warnings` says when some fell back to full text.
      versions: { retriever: [...versions].sort((a, b) => b[1] - a[1])[0]?.[0] ?? retriever.versionOf(stageOne), reranker: reranker.version, kb: kbVersion(state.revision) },
    },
    firstStagePrecisionAt8: mean(firstStagePrecision),
    precisionCeiling: mean(ceiling),
    hitAt8: mean(hits),
    mrrAt8: mean(reciprocal),
    unlabelled,
    unknownIds: labelled.filter((id) => !live.has(id)),
    warnings: [...warnings],
  };
}

/** The human-readable report `aitl eval` prints. */
export function formatEvalResult(result: EvalResult, label: string): string {
  const { report } = result;
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const lines = [
    `${label}: ${report.tickets} labelled ticket(s)${result.unlabelled ? ` (+${result.unlabelled} without relevant articles, not scored)` : ''}`,
    `  recall@75     ${report['recall@75'].toFixed(4)}  (${pct(report['recall@75'])} of relevant articles in the first-stage 75)`,
    `  precision@8   ${report['precision@8'].toFixed(4)}  (stage one alone: ${result.firstStagePrecisionAt8.toFixed(4)}; best possible on this set: ${result.precisionCeiling.toFixed(4)})`,
    `  hit@8         ${result.hitAt8.toFixed(4)}  (tickets with a relevant article among the shown 8)`,
    `  MRR@8         ${result.mrrAt8.toFixed(4)}`,
    `  versions      retriever ${report.versions.retriever}, reranker ${report.versions.reranker}, kb ${report.versions.kb}`,
  ];
  for (const warning of result.warnings) lines.push(`  warning: ${warning}`);
  if (result.unknownIds.length > 0) {
    lines.push(`  warning: ${result.unknownIds.length} labelled id(s) are not live articles of this knowledge base: ${result.unknownIds.slice(0, 10).join(', ')}`);
  }
  return lines.join('\n') + '\n';
}

/** Feature rows and labels of a labelled set's first-stage candidates, for training the reranker. */
export async function labelledRetrievalSets(
  db: Sql,
  tenantId: string,
  tickets: LabelledTicket[],
  retriever: Retriever = new Retriever(null),
  stageOne: StageOne = DEFAULT_STAGE_ONE,
): Promise<{ set: RetrievalSet; relevant: Set<string> }[]> {
  const out: { set: RetrievalSet; relevant: Set<string> }[] = [];
  for (const ticket of tickets) {
    if (ticket.relevant.length === 0) continue;
    out.push({ set: (await retriever.retrieve(db, tenantId, labelledQuery(ticket), undefined, stageOne)).set, relevant: new Set(ticket.relevant) });
  }
  return out;
}

/** Stage one's own order, unchanged: what "no reranker" means in a comparison. */
export const STAGE_ONE_ORDER = new Reranker({ version: 'none', features: ['fts'], mean: [0], std: [1], weights: [0], bias: 0 });

/**
 * The plain BM25 baseline on the same tickets: title and body as one field, k1 1.2, b 0.75, the
 * same tokeniser, its own top 8 shown. Every user can see how our ranking compares on their data.
 */
export function evaluatePlainBm25(db: Sql, tenantId: string, tickets: LabelledTicket[]): Promise<EvalResult> {
  return evaluateRetrieval(db, tenantId, tickets, STAGE_ONE_ORDER, new Retriever(null), PLAIN_BM25_STAGE_ONE);
}

/** Our numbers beside the baseline's, one metric a line. */
export function formatBaseline(ours: EvalResult, baseline: EvalResult): string {
  const row = (name: string, a: number, b: number) =>
    `  ${name.padEnd(13)} ${a.toFixed(4)}  vs ${b.toFixed(4)}  (${b > 0 ? `${a >= b ? '+' : ''}${(((a - b) / b) * 100).toFixed(1)}%` : 'n/a'})`;
  return [
    `plain BM25 baseline (title + body, k1 ${'1.2'}, b 0.75, same tokeniser, its own top 8), same ${baseline.report.tickets} tickets: ours vs baseline`,
    row('recall@75', ours.report['recall@75'], baseline.report['recall@75']),
    row('precision@8', ours.report['precision@8'], baseline.report['precision@8']),
    row('hit@8', ours.hitAt8, baseline.hitAt8),
    row('MRR@8', ours.mrrAt8, baseline.mrrAt8),
  ].join('\n') + '\n';
}
