import { v7 as uuidv7 } from 'uuid';
import {
  Impression,
  type ArmReply,
  type ArmRun,
  type GroundingArticle,
  type ShownArticle,
  type Slot,
  type SuggestionRequest,
} from '../../../lib/contract';
import type { Auth } from '../auth/tokens';
import type { Database } from '../db/database';
import { snippet } from '../knowledge/article-text';
import { kbVersion } from '../knowledge/knowledge-base';
import type { Reranker } from '../knowledge/reranker';
import { articleTexts } from '../knowledge/retrieval';
import type { Retriever } from '../knowledge/retriever';
import type { ModelServing } from '../models/serving';
import { termSet } from '../knowledge/terms';
import { queryText, ticketQuery } from '../knowledge/ticket-query';
import { armOrder, displayOrder } from './arm-selection';
import type { Arm } from './arms-config';
import { runArm, type ArmAttempt } from './generate';
import { storeImpression } from './impressions';
import type { PromptExamples, SimilarExamples } from './similar-examples';

export interface SuggestionEngine {
  arms: Arm[];
  /** The shipped (or configured) reranker: what serves until a turn promotes another. */
  reranker: Reranker;
  retriever: Retriever;
  models: ModelServing;
  examples: SimilarExamples;
}

const SLOTS: Slot[] = ['A', 'B'];

/** Where one suggestion's time went, in ms, stage by stage (logged with each suggestion). */
export interface SuggestionStages {
  /** Which models serve the tenant (cached; a read at most once a second). */
  models: number;
  /** Stage one: query terms, BM25F search and the reranker's text features, in the database. */
  search: number;
  rerank: number;
  /** The shown articles' texts and snippets. */
  texts: number;
  /** Prompt examples and the reply arms. */
  arms: number;
  /** The impression built, checked and written. */
  impression: number;
}

/** Fills `stages` with the time since the previous mark, stage by stage. */
function stageClock(stages?: Partial<SuggestionStages>) {
  let last = performance.now();
  return (stage: keyof SuggestionStages) => {
    if (!stages) return;
    const now = performance.now();
    stages[stage] = Math.round((now - last) * 10) / 10;
    last = now;
  };
}

/**
 * One suggestion for one ticket: stage one (75 candidates), the reranker (8 shown), the arms
 * (two when the ticket was sampled for a pairwise preference, else one), the display order, all
 * stored as an impression before it is returned, so every annotation can be joined to exactly
 * what the agent saw.
 */
export async function suggest(db: Database, engine: SuggestionEngine, auth: Auth, request: SuggestionRequest, stages?: Partial<SuggestionStages>): Promise<Impression> {
  const mark = stageClock(stages);
  const id = uuidv7();
  const createdAt = new Date().toISOString();
  const { context } = request;
  const query = ticketQuery(context);
  const served = await engine.models.forTenant(db, auth.tenantId);
  mark('models');
  const { set: retrieval, version: retrieverVersion, warning } = await engine.retriever.retrieve(db, auth.tenantId, query, undefined, served.stageOne);
  mark('search');
  const top = served.reranker.rerank(retrieval);
  mark('rerank');
  const texts = await articleTexts(db, auth.tenantId, top);
  const terms = termSet(queryText(query));

  const grounding: GroundingArticle[] = top.map((c, i) => ({
    id: c.id,
    externalId: c.externalId,
    version: c.version,
    title: c.title,
    url: c.url,
    score: Number(c.relevance.toFixed(4)),
    rank: i + 1,
    body: texts.get(c.id)?.body ?? '',
  }));
  const articles: ShownArticle[] = grounding.map(({ body, ...a }) => ({ ...a, snippet: snippet(body, terms) }));

  const degraded: { armId?: string; reason: string }[] = [];
  if (retrieval.liveArticles === 0) degraded.push({ reason: 'the knowledge base is empty; import articles with aitl kb import' });
  else if (articles.length === 0) degraded.push({ reason: 'no article matched this ticket' });
  if (warning && retrieval.liveArticles > 0) degraded.push({ reason: warning });

  mark('texts');
  const servedGeneration = served.generation;
  const order = armOrder(engine.arms, id, servedGeneration.champion);
  const examples = await promptExamples(db, engine, auth.tenantId, servedGeneration.examples, order.slice(0, 2), queryText(query));
  const input = (arm: Arm) => ({ impressionId: id, context, articles: grounding, ...(examples && { examples: { ...examples, replies: examples.replies.slice(0, examplesOf(arm)) } }) });
  const attempts: { slot: Slot | null; attempt: ArmAttempt }[] = [];
  if (request.pairwise) {
    const pair = order.slice(0, 2);
    if (pair.length < 2) degraded.push({ reason: 'only one reply arm is configured, so no pairwise comparison is possible' });
    const results = await Promise.all(pair.map((arm) => runArm(arm, input(arm))));
    results.forEach((attempt, i) => attempts.push({ slot: attempt.status === 'ok' ? SLOTS[i]! : null, attempt }));
  } else {
    // One arm; if it fails, the next arm in this impression's order stands in.
    for (const arm of order.slice(0, 2)) {
      const attempt = await runArm(arm, input(arm));
      attempts.push({ slot: attempt.status === 'ok' ? 'A' : null, attempt });
      if (attempt.status === 'ok') break;
    }
  }
  for (const { attempt } of attempts) {
    if (attempt.status !== 'ok') degraded.push({ armId: attempt.arm.id, reason: `arm ${attempt.arm.id} ${attempt.status === 'timeout' ? '' : 'failed: '}${attempt.error}` });
  }

  const arms: ArmReply[] = attempts
    .filter((a): a is { slot: Slot; attempt: ArmAttempt & { output: NonNullable<ArmAttempt['output']> } } => a.slot !== null && !!a.attempt.output)
    .map(({ slot, attempt }) => ({
      slot,
      armId: attempt.arm.id,
      provider: attempt.arm.provider,
      model: attempt.arm.model,
      promptVersion: attempt.promptVersion,
      text: attempt.output.text,
      citedArticleIds: attempt.output.citedArticleIds,
      latencyMs: attempt.latencyMs,
    }));
  if (arms.length === 0 && attempts.length > 0) degraded.push({ reason: 'no reply could be generated; showing the articles only' });

  mark('arms');
  const impression = Impression.parse({
    id,
    createdAt,
    ticket: { platform: context.platform, ticketId: context.ticketId },
    pairwise: request.pairwise,
    arms,
    displayOrder: displayOrder(id, arms.map((a) => a.slot)),
    articles,
    versions: { retriever: retrieverVersion, reranker: served.reranker.version, kb: kbVersion(retrieval.revision) },
    degraded: degraded.slice(0, 4),
  });

  const generation: ArmRun[] = attempts.map(({ slot, attempt }) => ({
    slot,
    armId: attempt.arm.id,
    provider: attempt.arm.provider,
    model: attempt.arm.model,
    promptVersion: attempt.promptVersion,
    status: attempt.status,
    latencyMs: attempt.latencyMs,
    ...(attempt.error !== undefined && { error: attempt.error }),
    ...(attempt.output?.prompt && { prompt: attempt.output.prompt }),
  }));
  await storeImpression(db, auth, {
    impression,
    context,
    query: queryText(query),
    candidates: retrieval.candidates.map((c) => ({ id: c.id, version: c.version, score: c.score })),
    generation,
  });
  mark('impression');
  return impression;
}

const examplesOf = (arm: Arm) => (arm.provider === 'openai' ? arm.examples : 0);

/** The served example set's replies most similar to the ticket, as many as the most any asked arm wants; null when no arm wants them or no set serves. */
async function promptExamples(db: Database, engine: SuggestionEngine, tenantId: string, version: string | null, arms: Arm[], ticketText: string): Promise<PromptExamples | null> {
  const k = Math.max(0, ...arms.map(examplesOf));
  if (k === 0 || !version) return null;
  return engine.examples.find(db, tenantId, version, ticketText, k);
}
