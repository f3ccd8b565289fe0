import fs from 'node:fs';
import { z } from 'zod';
import { LIMITS, describeIssues } from '../../../lib/contract';
import type { Candidate, RetrievalSet } from './retrieval';

/**
 * Stage two: a logistic-regression reranker over a few explainable features of each first-stage
 * candidate. Its weights live in a versioned JSON file, so it can be retrained from relevance
 * labels (`aitl rerank train`) and every impression records which weights ranked its articles.
 */
export const FEATURES = [
  /** Stage-one BM25F score relative to the best candidate. */
  'fts',
  /** Cover density: matched terms close together. */
  'cover',
  /** Share of the query's IDF mass the article contains. */
  'idfCoverage',
  /** Share of the query's IDF mass in the title. */
  'titleIdfCoverage',
  /** Share of the subject's IDF mass the article contains (the subject is the customer's own summary). */
  'subjectCoverage',
  /** Share of the title's terms that are in the query: a short title fully matched is a strong sign. */
  'titlePrecision',
  /** log(1 + distinct terms): long articles match more terms by chance. */
  'logLength',
  /** 1 / stage-one position. */
  'reciprocalRank',
  /** Cosine similarity to the ticket (0 without embeddings; weights trained without them ignore it). */
  'dense',
  /** Share of the article's stage-one score from learned ticket wording (0 without a learned retriever). */
  'expansion',
  /** The article's learned prior: smoothed log-odds of being judged relevant when shown (0 untrained). */
  'prior',
] as const;
export type FeatureName = (typeof FEATURES)[number];

export const RerankerWeights = z.strictObject({
  version: z.string().regex(/^[a-z0-9][a-z0-9._-]{0,63}$/),
  features: z.array(z.enum(FEATURES)).min(1),
  /** Standardisation applied before the weights: (x - mean) / std. */
  mean: z.array(z.number()),
  std: z.array(z.number().positive()),
  weights: z.array(z.number()),
  bias: z.number(),
  /** What it was trained on, for people. */
  trainedOn: z.string().optional(),
  /** Learned per-article priors (article id → log-odds), used by the `prior` feature. */
  priors: z.record(z.string(), z.number()).optional(),
}).refine((w) => [w.mean, w.std, w.weights].every((xs) => xs.length === w.features.length), 'features, mean, std and weights must have the same length');
export type RerankerWeights = z.infer<typeof RerankerWeights>;

export interface RankedCandidate extends Candidate {
  /** Estimated probability that the article is relevant (0..1). */
  relevance: number;
  /** 1-based rank in the stage-one list. */
  firstStageRank: number;
}

export function featureVector(c: Candidate, position: number, set: RetrievalSet, maxScore: number, priors?: Record<string, number>): Record<FeatureName, number> {
  const { terms } = set;
  const sum = (idx: number[]) => idx.reduce((s, i) => s + (terms[i]?.idf ?? 0), 0);
  const totalIdf = terms.reduce((s, t) => s + t.idf, 0) || 1;
  const subjectIdx = terms.flatMap((t, i) => (t.inSubject ? [i] : []));
  const subjectIdf = sum(subjectIdx);
  const matched = new Set(c.matched);
  return {
    fts: maxScore > 0 ? c.textRank / maxScore : 0,
    cover: c.cover,
    idfCoverage: sum(c.matched) / totalIdf,
    titleIdfCoverage: sum(c.titleMatched) / totalIdf,
    subjectCoverage: subjectIdf > 0 ? sum(subjectIdx.filter((i) => matched.has(i))) / subjectIdf : 0,
    titlePrecision: c.titleLexemes > 0 ? Math.min(1, c.titleMatched.length / c.titleLexemes) : 0,
    logLength: Math.log1p(c.lexemes),
    reciprocalRank: 1 / (position + 1),
    dense: c.dense ?? 0,
    expansion: c.textRank > 0 ? c.expansion / c.textRank : 0,
    prior: priors?.[c.id] ?? 0,
  };
}

/** The feature rows of a whole retrieval set, in stage-one order. */
export function featureRows(set: RetrievalSet, priors?: Record<string, number>): number[][] {
  const maxScore = Math.max(0, ...set.candidates.map((c) => c.textRank));
  return set.candidates.map((c, i) => {
    const f = featureVector(c, i, set, maxScore, priors);
    return FEATURES.map((name) => f[name]);
  });
}

export class Reranker {
  private readonly index: number[];
  constructor(readonly weights: RerankerWeights) {
    this.index = weights.features.map((f) => FEATURES.indexOf(f));
  }

  get version() {
    return this.weights.version;
  }

  /** Probability of relevance for one feature row (in FEATURES order). */
  score(row: number[]): number {
    const { mean, std, weights, bias } = this.weights;
    let z = bias;
    this.index.forEach((fi, k) => {
      z += weights[k]! * ((row[fi]! - mean[k]!) / std[k]!);
    });
    return 1 / (1 + Math.exp(-z));
  }

  /** The best `keep` candidates, most relevant first; ties keep the stage-one order. */
  rerank(set: RetrievalSet, keep: number = LIMITS.shownArticles): RankedCandidate[] {
    const rows = featureRows(set, this.weights.priors);
    return set.candidates
      .map((c, i) => ({ ...c, relevance: this.score(rows[i]!), firstStageRank: i + 1 }))
      .sort((a, b) => b.relevance - a.relevance || a.firstStageRank - b.firstStageRank)
      .slice(0, keep);
  }
}

export const DEFAULT_RERANKER_WEIGHTS = new URL('./reranker-weights.json', import.meta.url);

export class RerankerWeightsError extends Error {}

/** Reads and checks a weights file; the shipped one by default. */
export function readRerankerWeights(file: string | URL = DEFAULT_RERANKER_WEIGHTS): RerankerWeights {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new RerankerWeightsError(`cannot read reranker weights ${String(file)}: ${(error as Error).message}`);
  }
  const parsed = RerankerWeights.safeParse(raw);
  if (!parsed.success) throw new RerankerWeightsError(`reranker weights ${String(file)} are invalid: ${describeIssues(parsed.error)}`);
  return parsed.data;
}
