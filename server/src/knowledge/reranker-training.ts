import { FEATURES, featureRows, type RerankerWeights } from './reranker';
import type { RetrievalSet } from './retrieval';

export interface TrainingOptions {
  version: string;
  trainedOn: string;
  /** L2 penalty; keeps a small label set from producing extreme weights. */
  l2?: number;
  iterations?: number;
  /** Priors stored with the weights, for serving. */
  priors?: Record<string, number>;
}

export interface LabelledSet {
  set: RetrievalSet;
  /** External ids of the ticket's relevant articles. */
  relevant: Set<string>;
  /** Article priors the `prior` feature reads for this set (learned without this ticket). */
  priors?: Record<string, number>;
}

/**
 * Fits the reranker's weights from labelled retrieval sets, in two steps:
 * 1. pairwise logistic regression (RankNet-style) on feature differences between a relevant and
 *    an irrelevant candidate of the same ticket: it learns to order, and is not thrown off by
 *    relevant candidates being a few percent of all;
 * 2. a one-dimensional logistic fit of the resulting score against the labels, so the shown score
 *    reads as a probability of relevance.
 * Deterministic: the same sets give the same weights.
 */
export function trainReranker(sets: LabelledSet[], options: TrainingOptions): RerankerWeights {
  const { l2 = 0.01, iterations = 1500 } = options;
  const perSet = sets.map(({ set, relevant, priors }) => ({ rows: featureRows(set, priors), labels: set.candidates.map((c) => (relevant.has(c.externalId) ? 1 : 0)) }));
  const allRows = perSet.flatMap((s) => s.rows);
  const allLabels = perSet.flatMap((s) => s.labels);
  const positives = allLabels.filter((l) => l === 1).length;
  if (positives === 0 || positives === allLabels.length) {
    throw new Error(`cannot train: the labelled tickets gave ${positives} relevant and ${allLabels.length - positives} other first-stage candidates; both are needed`);
  }
  const d = FEATURES.length;
  const mean = Array.from({ length: d }, (_, j) => allRows.reduce((s, r) => s + r[j]!, 0) / allRows.length);
  const std = Array.from({ length: d }, (_, j) => Math.sqrt(allRows.reduce((s, r) => s + (r[j]! - mean[j]!) ** 2, 0) / allRows.length) || 1);
  const standardise = (r: number[]) => r.map((v, j) => (v - mean[j]!) / std[j]!);

  // Both orders of every (relevant, irrelevant) pair, so the problem is symmetric and needs no intercept.
  const pairs: number[][] = [];
  const pairLabels: number[] = [];
  for (const { rows, labels } of perSet) {
    const x = rows.map(standardise);
    x.forEach((pos, p) => {
      if (labels[p] !== 1) return;
      x.forEach((neg, n) => {
        if (labels[n] === 1) return;
        const diff = pos.map((v, j) => v - neg[j]!);
        pairs.push(diff, diff.map((v) => -v));
        pairLabels.push(1, 0);
      });
    });
  }
  const { weights: direction } = logisticRegression(pairs, pairLabels, { l2, iterations, intercept: false });

  const scores = allRows.map((r) => [standardise(r).reduce((s, v, j) => s + v * direction[j]!, 0)]);
  const { weights: [scale = 1], bias } = logisticRegression(scores, allLabels, { l2: 0, iterations, intercept: true });
  return {
    version: options.version,
    features: [...FEATURES],
    mean: mean.map(round),
    std: std.map(round),
    weights: direction.map((w) => round(w * scale)),
    bias: round(bias),
    trainedOn: `${options.trainedOn}; ${sets.length} tickets, ${allLabels.length} candidates, ${positives} relevant`,
    ...(options.priors && { priors: options.priors }),
  };
}

const round = (x: number) => Number(x.toPrecision(6));

/** Plain logistic regression by full-batch gradient descent (inputs already on comparable scales). */
export function logisticRegression(x: number[][], y: number[], options: { l2: number; iterations: number; intercept: boolean; learningRate?: number }) {
  const { l2, iterations, intercept, learningRate = 0.5 } = options;
  const n = x.length;
  const d = x[0]?.length ?? 0;
  const weights = new Array<number>(d).fill(0);
  let bias = 0;
  for (let it = 0; it < iterations; it++) {
    const grad = new Array<number>(d).fill(0);
    let gradBias = 0;
    for (let i = 0; i < n; i++) {
      const xi = x[i]!;
      let z = bias;
      for (let j = 0; j < d; j++) z += weights[j]! * xi[j]!;
      const err = 1 / (1 + Math.exp(-z)) - y[i]!;
      for (let j = 0; j < d; j++) grad[j] += err * xi[j]!;
      gradBias += err;
    }
    for (let j = 0; j < d; j++) weights[j] -= learningRate * (grad[j]! / n + l2 * weights[j]!);
    if (intercept) bias -= learningRate * (gradBias / n);
  }
  return { weights, bias };
}
