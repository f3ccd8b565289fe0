import { LIMITS } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { BM25F_DEFAULT, type Bm25fParams } from '../knowledge/bm25';
import { Reranker, type RerankerWeights } from '../knowledge/reranker';
import { trainReranker, type LabelledSet } from '../knowledge/reranker-training';
import type { StageOne } from '../knowledge/retrieval';
import { Retriever } from '../knowledge/retriever';
import { queryText, ticketQuery } from '../knowledge/ticket-query';
import { positives, type TicketSignals } from './signals';
import { insertModelVersion } from './store';

/** Per article and term, the learned weight is capped, and so is the number of terms per article. */
const TERM_CAP = 3;
const TERMS_PER_ARTICLE = 64;
/** Words in more than this share of the training tickets (and in at least COMMON_TICKET_MIN of them) are not learned. */
const COMMON_TICKET_SHARE = 0.05;
const COMMON_TICKET_MIN = 10;
/** Candidate weights of the learned field, chosen by cross-fitting on the training tickets. */
const EXPANSION_WEIGHTS = [0, 0.25, 0.5, 1];
const FOLDS = 2;

export interface TrainedRetrieval {
  retriever: { version: string; artefact: { params: Bm25fParams }; stageOne: StageOne };
  reranker: Reranker;
  /** What was chosen and why, for the turn's report. */
  notes: { expansionWeight: number; crossFitMrr: Record<string, number>; trainingTickets: number; expansionTerms: number };
}

/** Distinct stemmed terms of each ticket's query, stemmed by Postgres as the index is. */
async function ticketLexemes(db: Sql, texts: string[]): Promise<string[][]> {
  if (texts.length === 0) return [];
  const { rows } = await db.query<{ i: number; lexemes: string[] }>(
    `SELECT t.i::int AS i, coalesce(array_agg(DISTINCT l.lexeme) FILTER (WHERE l.lexeme IS NOT NULL), '{}') AS lexemes
       FROM unnest($1::text[]) WITH ORDINALITY AS t(text, i)
       LEFT JOIN LATERAL unnest(to_tsvector('english', t.text)) AS l ON true
      GROUP BY t.i ORDER BY t.i`,
    [texts],
  );
  return rows.map((r) => r.lexemes);
}

/**
 * The learned field: each article gets the wording of the tickets agents confirmed it answered
 * that the article does not already use (a bridge from the customer's words to the article;
 * repeating its own words would only push already-found articles further up), weighted by how
 * strong the evidence was (capped at one link's worth per ticket), capped per term, and only its
 * strongest terms. Written as an immutable part of `version`.
 */
async function writeExpansion(db: Sql, tenantId: string, version: string, tickets: { lexemes: string[]; signals: TicketSignals }[]): Promise<number> {
  // Words most tickets use ("order", "still", "yesterday") say nothing about which article
  // answers; a word's weight falls with the share of tickets that use it, and the commonest are
  // left out.
  const ticketDf = new Map<string, number>();
  for (const { lexemes } of tickets) for (const l of lexemes) ticketDf.set(l, (ticketDf.get(l) ?? 0) + 1);
  const n = tickets.length;
  const specificity = (l: string) => {
    const df = ticketDf.get(l) ?? 0;
    return df > Math.max(COMMON_TICKET_SHARE * n, COMMON_TICKET_MIN) ? 0 : Math.log(n / (ticketDf.get(l) ?? 1)) / Math.log(Math.max(n, 2));
  };
  const weights = new Map<string, Map<string, number>>();
  for (const { lexemes, signals } of tickets) {
    for (const id of positives(signals)) {
      const w = Math.min(1.5, signals.articles.get(id)!);
      let terms = weights.get(id);
      if (!terms) weights.set(id, (terms = new Map()));
      for (const lexeme of lexemes) {
        const x = w * specificity(lexeme);
        if (x > 0) terms.set(lexeme, Math.min(TERM_CAP, (terms.get(lexeme) ?? 0) + x));
      }
    }
  }
  const rows: { lexeme: string; article: string; weight: number }[] = [];
  for (const [article, terms] of weights) {
    [...terms]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, TERMS_PER_ARTICLE)
      .forEach(([lexeme, weight]) => rows.push({ lexeme, article, weight }));
  }
  for (let i = 0; i < rows.length; i += 5_000) {
    const chunk = rows.slice(i, i + 5_000);
    await db.query(
      `INSERT INTO retrieval_expansion_terms (tenant_id, version, lexeme, article_id, weight)
       SELECT $1, $2, l, a, w FROM unnest($3::text[], $4::uuid[], $5::float8[]) AS r(l, a, w)
        WHERE EXISTS (SELECT 1 FROM knowledge_articles k WHERE k.tenant_id = $1 AND k.id = r.a AND k.retired_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM knowledge_postings p WHERE p.tenant_id = $1 AND p.lexeme = r.l AND p.article_id = r.a)`,
      [tenantId, version, chunk.map((r) => r.lexeme), chunk.map((r) => r.article), chunk.map((r) => r.weight)],
    );
  }
  return rows.length;
}

/** Smoothed log-odds of an article being confirmed when judged, from the given tickets. */
function articlePriors(tickets: TicketSignals[]): Record<string, number> {
  const counts = new Map<string, { pos: number; neg: number }>();
  for (const t of tickets) {
    for (const [id, w] of t.articles) {
      const c = counts.get(id) ?? { pos: 0, neg: 0 };
      if (w > 0) c.pos++;
      else if (w < 0) c.neg++;
      counts.set(id, c);
    }
  }
  return Object.fromEntries([...counts].map(([id, c]) => [id, Number(Math.log((c.pos + 0.5) / (c.neg + 0.5)).toFixed(4))]));
}

const stageOneOf = (version: string, expansion: number): StageOne => ({
  version,
  mode: { kind: 'bm25f', params: { ...BM25F_DEFAULT, expansion }, expansionVersion: version },
});

/**
 * Trains a candidate retriever and reranker from the training tickets' feedback. The reranker
 * must learn how far to trust the learned field, so its training rows come from cross-fitting:
 * each fold is retrieved with an expansion built from the other folds only (otherwise every
 * ticket would find its own words and the feature would look perfect). The same folds choose the
 * learned field's weight. The cross-fit expansions are stored as versions of their own, marked so.
 */
export async function trainRetrieval(
  db: Sql,
  tenantId: string,
  options: { turn: number; tickets: TicketSignals[]; retrieverVersion: string; rerankerVersion: string; externalIds: Map<string, string> },
): Promise<TrainedRetrieval> {
  const { turn, tickets } = options;
  const texts = tickets.map((t) => queryText(ticketQuery(t.context)));
  const lexemes = await ticketLexemes(db, texts);
  const items = tickets.map((signals, i) => ({ signals, lexemes: lexemes[i]!, fold: i % FOLDS }));
  const retriever = new Retriever(null);

  const foldSets: { weight: number; sets: LabelledSet[] }[] = EXPANSION_WEIGHTS.map((weight) => ({ weight, sets: [] }));
  const mrr: Record<string, number[]> = Object.fromEntries(EXPANSION_WEIGHTS.map((w) => [String(w), []]));
  for (let fold = 0; fold < FOLDS; fold++) {
    const version = `${options.retrieverVersion}.cv${fold + 1}`;
    const rest = items.filter((it) => it.fold !== fold);
    await insertModelVersion(db, tenantId, {
      version,
      kind: 'retriever',
      turn,
      artefact: { params: BM25F_DEFAULT, crossFit: true },
      trainedOn: { crossFit: true, fold: fold + 1, tickets: rest.length },
    });
    await writeExpansion(db, tenantId, version, rest);
    const priors = articlePriors(rest.map((r) => r.signals));
    for (const it of items.filter((x) => x.fold === fold)) {
      const relevant = new Set(positives(it.signals).map((id) => options.externalIds.get(id)).filter((x): x is string => !!x));
      if (relevant.size === 0) continue;
      for (const fs of foldSets) {
        const { set } = await retriever.retrieve(db, tenantId, ticketQuery(it.signals.context), undefined, stageOneOf(version, fs.weight));
        fs.sets.push({ set, relevant, priors });
        const first = set.candidates.slice(0, LIMITS.shownArticles).findIndex((c) => relevant.has(c.externalId));
        mrr[String(fs.weight)]!.push(first >= 0 ? 1 / (first + 1) : 0);
      }
    }
  }
  const meanMrr = Object.fromEntries(Object.entries(mrr).map(([w, xs]) => [w, Number((xs.reduce((a, b) => a + b, 0) / (xs.length || 1)).toFixed(4))]));
  const best = foldSets.reduce((a, b) => (meanMrr[String(b.weight)]! > meanMrr[String(a.weight)]! ? b : a));

  const params = { ...BM25F_DEFAULT, expansion: best.weight };
  await insertModelVersion(db, tenantId, {
    version: options.retrieverVersion,
    kind: 'retriever',
    turn,
    artefact: { params },
    trainedOn: { tickets: tickets.length, expansionWeight: best.weight, crossFitMrr: meanMrr },
  });
  const expansionTerms = await writeExpansion(db, tenantId, options.retrieverVersion, items);
  let weights: RerankerWeights;
  try {
    weights = trainReranker(best.sets, { version: options.rerankerVersion, trainedOn: `turn ${turn} of tenant ${tenantId}`, priors: articlePriors(tickets) });
  } catch (error) {
    throw new Error(`the reranker cannot be trained yet: ${(error as Error).message}`);
  }
  return {
    retriever: { version: options.retrieverVersion, artefact: { params }, stageOne: stageOneOf(options.retrieverVersion, best.weight) },
    reranker: new Reranker(weights),
    notes: { expansionWeight: best.weight, crossFitMrr: meanMrr, trainingTickets: tickets.length, expansionTerms },
  };
}
