import type { LabelledTicket } from '../../../lib/contract';
import type { Database } from '../db/database';
import { evaluateRetrieval, type EvalResult } from '../knowledge/evaluation';
import type { Reranker } from '../knowledge/reranker';
import { Retriever } from '../knowledge/retriever';
import type { StageOne } from '../knowledge/retrieval';
import { DEFAULT_GATE, decide, type GateOptions, type SideMetrics } from './gate';
import type { ModelServing } from './serving';
import { annotationWatermark, positives, readSignals, type GapPositive, type Signals, type TicketSignals } from './signals';
import { resolvedGapPositives } from '../gaps/positives';
import { recordChampion, trainChampion } from './champion';
import { buildExampleSet } from './reply-examples';
import { readServedGeneration } from './served-champion';
import { insertModelVersion, promote } from './store';
import { trainRetrieval } from './train-retrieval';
import { finishTurn, renewTurn, startTurnRow } from './turn-lease';

/** Fewest training tickets with confirmed articles a turn learns from. */
export const MIN_TRAINING_TICKETS = 10;

export interface TurnOptions {
  requestedBy: string;
  /** Extra labelled tickets to judge on beside the eval slice (`--tickets FILE`). */
  tickets?: LabelledTicket[];
  gate?: Partial<GateOptions>;
  /** Closed knowledge gaps, as positives (from the gap queue). */
  gaps?: GapPositive[];
  /** The configured reply arms, for the champion decision. */
  arms?: readonly { id: string }[];
}

/** The generation side of a turn: which arm is champion, and the example set chat arms use. */
export interface GenerationResult {
  champion: { promoted: boolean; reason: string; champion: string; comparisons: number; version: string | null };
  examples: { version: string; count: number; promoted: boolean } | { version: null; reason: string };
}

export interface TurnResult {
  turn: number;
  promoted: boolean;
  reason: string;
  watermark: number;
  signals: Signals['counts'] & { trainingTickets: number; evalTickets: number };
  current: SideMetrics | null;
  candidate: SideMetrics | null;
  /** The same comparison on `--tickets FILE`, when given. */
  tickets?: { current: SideMetrics; candidate: SideMetrics };
  notes?: Record<string, unknown>;
  generation?: GenerationResult;
}

const side = (r: EvalResult, versions: SideMetrics['versions']): SideMetrics => ({
  'recall@75': round(r.report['recall@75']),
  'precision@8': round(r.report['precision@8']),
  'hit@8': round(r.hitAt8),
  'mrr@8': round(r.mrrAt8),
  tickets: r.report.tickets,
  versions,
});
const round = (x: number) => Number(x.toFixed(4));

/** Signals of a ticket as a labelled ticket (external ids of the articles it confirmed). */
function labelled(t: TicketSignals, externalIds: Map<string, string>): LabelledTicket {
  return {
    ticketId: t.ticket.ticketId,
    subject: t.context.subject ?? '',
    messages: t.context.messages.map((m) => ({ role: m.role, text: m.text })),
    relevant: positives(t).map((id) => externalIds.get(id)).filter((x): x is string => !!x),
  } as LabelledTicket;
}

/**
 * Starts a turn and returns its number at once; `finished` settles with the result. One turn per
 * tenant at a time across replicas (TurnBusyError otherwise).
 */
export async function startTurn(db: Database, tenantId: string, serving: ModelServing, options: TurnOptions): Promise<{ number: number; finished: Promise<TurnResult> }> {
  const number = await startTurnRow(db, tenantId, options.requestedBy, { gate: options.gate ?? {}, tickets: options.tickets?.length ?? 0 });
  const heartbeat = setInterval(() => void renewTurn(db, tenantId, number).catch(() => undefined), 60_000);
  heartbeat.unref?.();
  const finished = runTurn(db, tenantId, serving, number, options).then(
    async (result) => {
      await finishTurn(db, tenantId, number, { result });
      return result;
    },
    async (error: Error) => {
      await finishTurn(db, tenantId, number, { error: error.message }).catch(() => undefined);
      throw error;
    },
  );
  void finished.finally(() => clearInterval(heartbeat)).catch(() => undefined);
  return { number, finished };
}

/** One turn of the flywheel: the retrieval side, then the generation side, on the same watermark. */
async function runTurn(db: Database, tenantId: string, serving: ModelServing, turn: number, options: TurnOptions): Promise<TurnResult> {
  const watermark = await annotationWatermark(db, tenantId);
  // A closed knowledge gap makes its ticket a positive for the article that closed it.
  const gaps = options.gaps ?? (await resolvedGapPositives(db, tenantId, { watermark })).map((g) => ({
    ticket: g.ticket,
    context: g.query ? { subject: '', messages: [{ role: 'customer' as const, text: g.query }] } : null,
    articleId: g.articleId,
  }));
  const retrieval = await retrievalTurn(db, tenantId, serving, turn, watermark, { ...options, gaps });
  return { ...retrieval, generation: await generationTurn(db, tenantId, turn, watermark, options) };
}

/**
 * The generation side: a challenger arm that agents prefer to the champion with a 95% interval
 * excluding a tie becomes champion; agent-approved replies become the next example set.
 */
async function generationTurn(db: Database, tenantId: string, turn: number, watermark: number, options: TurnOptions): Promise<GenerationResult> {
  const served = await readServedGeneration(db, tenantId);
  const decision = await trainChampion(db, tenantId, { watermark, arms: options.arms ?? [], current: served.champion });
  const championVersion = options.arms && options.arms.length > 1 ? await recordChampion(db, tenantId, turn, decision, `turn ${turn} (${options.requestedBy})`) : null;
  const set = await buildExampleSet(db, tenantId, { watermark, turn });
  let examples: GenerationResult['examples'];
  if (!set) examples = { version: null, reason: 'too few agent-approved replies outside the eval slice for an example set' };
  else {
    const promoted = set.version !== served.examples;
    if (promoted) await promote(db, tenantId, set.version, { actor: `turn ${turn} (${options.requestedBy})`, reason: `example set of ${set.count} approved replies`, turn });
    examples = { version: set.version, count: set.count, promoted };
  }
  return {
    champion: { promoted: decision.promote, reason: decision.reason, champion: decision.promote && decision.candidate ? decision.candidate.artefact.armId : decision.champion, comparisons: decision.comparisons, version: championVersion },
    examples,
  };
}

/**
 * The retrieval side: read every human judgement up to the watermark, train a candidate
 * retriever and reranker on the tickets outside the frozen eval slice, evaluate candidate and
 * current side by side on the slice (and on `tickets`), and promote through the gate.
 */
async function retrievalTurn(db: Database, tenantId: string, serving: ModelServing, turn: number, watermark: number, options: TurnOptions): Promise<TurnResult> {
  const signals = await readSignals(db, tenantId, watermark, options.gaps ?? []);
  const { rows } = await db.query<{ id: string; external_id: string }>(
    'SELECT id::text AS id, external_id FROM knowledge_articles WHERE tenant_id = $1 AND retired_at IS NULL',
    [tenantId],
  );
  const externalIds = new Map(rows.map((r) => [r.id, r.external_id]));
  const withPositives = signals.tickets.filter((t) => positives(t).some((id) => externalIds.has(id)));
  const training = withPositives.filter((t) => !t.evalSlice);
  const evalSlice = withPositives.filter((t) => t.evalSlice).map((t) => labelled(t, externalIds));
  const counts = { ...signals.counts, trainingTickets: training.length, evalTickets: evalSlice.length };
  const base = { turn, watermark, signals: counts };
  if (training.length < MIN_TRAINING_TICKETS) {
    return { ...base, promoted: false, reason: `too little feedback to train on: ${training.length} ticket(s) outside the eval slice with a confirmed article, at least ${MIN_TRAINING_TICKETS} needed`, current: null, candidate: null };
  }

  const trained = await trainRetrieval(db, tenantId, {
    turn,
    tickets: training,
    retrieverVersion: `bm25f-1.t${turn}`,
    rerankerVersion: `rerank-lr.t${turn}`,
    externalIds,
  });
  await insertModelVersion(db, tenantId, { version: trained.reranker.version, kind: 'reranker', turn, artefact: trained.reranker.weights, trainedOn: { watermark, tickets: training.length } });

  const current = await serving.forTenant(db, tenantId);
  const compare = async (tickets: LabelledTicket[]) => {
    const run = (stageOne: StageOne, reranker: Reranker) => evaluateRetrieval(db, tenantId, tickets, reranker, new Retriever(null), stageOne);
    const [c, k] = [await run(current.stageOne, current.reranker), await run(trained.retriever.stageOne, trained.reranker)];
    return {
      current: side(c, { retriever: current.stageOne.version, reranker: current.reranker.version }),
      candidate: side(k, { retriever: trained.retriever.version, reranker: trained.reranker.version }),
    };
  };
  const sets: { name: string; current: SideMetrics; candidate: SideMetrics }[] = [];
  const slice = evalSlice.length > 0 ? await compare(evalSlice) : null;
  if (slice) sets.push({ name: 'the eval slice', ...slice });
  const file = options.tickets && options.tickets.length > 0 ? await compare(options.tickets) : undefined;
  if (file) sets.push({ name: '--tickets', ...file });
  const decision = decide(sets, { ...DEFAULT_GATE, ...options.gate });
  if (decision.promote) {
    for (const version of [trained.retriever.version, trained.reranker.version]) {
      await promote(db, tenantId, version, { actor: `turn ${turn} (${options.requestedBy})`, reason: decision.reason, turn });
    }
    serving.invalidate(tenantId);
  }
  return {
    ...base,
    promoted: decision.promote,
    reason: decision.reason,
    current: slice?.current ?? file?.current ?? null,
    candidate: slice?.candidate ?? file?.candidate ?? null,
    ...(file && slice && { tickets: file }),
    notes: trained.notes,
  };
}
