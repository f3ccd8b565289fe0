/**
 * The reply "model" of the bias-amplification bench: a distribution over reply styles, which it
 * samples to answer each ticket, refit each generation by weighted maximum likelihood on the SFT
 * targets of the previous batch, as in the paper's statistical simulation (arXiv 2410.15234,
 * `Code/theory/wmle_simulation.py`): every training example is weighted by its likelihood under
 * the model being fine-tuned, so the model's own leaning re-weights what it learns from.
 */
import { STYLES, classifyStyle, writeReply, type Style, type TicketFacts } from './bias-styles';

export type StyleShares = Record<Style, number>;

export class ReplyModel {
  constructor(readonly shares: StyleShares) {}

  /** Gen 0: a small pre-existing lean towards one style, the rest shared evenly. */
  static leaning(favoured: Style, share: number): ReplyModel {
    const rest = (1 - share) / (STYLES.length - 1);
    return new ReplyModel(Object.fromEntries(STYLES.map((s) => [s, s === favoured ? share : rest])) as StyleShares);
  }

  sampleStyle(r: () => number): Style {
    let u = r();
    for (const s of STYLES) {
      u -= this.shares[s];
      if (u < 0) return s;
    }
    return STYLES.at(-1)!;
  }

  reply(t: TicketFacts, r: () => number): { style: Style; text: string } {
    const style = this.sampleStyle(r);
    return { style, text: writeReply(style, t, r) };
  }
}

/** Share of each style among texts, by the fixed classifier. */
export function styleShares(texts: string[]): StyleShares {
  const counts = Object.fromEntries(STYLES.map((s) => [s, 0])) as StyleShares;
  for (const t of texts) counts[classifyStyle(t)]++;
  const n = texts.length || 1;
  return Object.fromEntries(STYLES.map((s) => [s, counts[s] / n])) as StyleShares;
}

/**
 * Weighted MLE of the style distribution on `targets`: each target's weight is its style's
 * probability under `prior` raised to `priorWeight` (1 = the paper's WMLE, 0 = plain MLE), so
 * the maximiser is share_k ∝ prior_k^priorWeight · count_k. With no targets the prior stays.
 */
export function refitStyles(prior: ReplyModel, targets: string[], priorWeight = 1): ReplyModel {
  if (targets.length === 0) return prior;
  const counts = styleShares(targets);
  const weighted = STYLES.map((s) => prior.shares[s] ** priorWeight * counts[s]);
  const total = weighted.reduce((a, b) => a + b, 0);
  if (total === 0) return prior;
  return new ReplyModel(Object.fromEntries(STYLES.map((s, i) => [s, weighted[i]! / total])) as StyleShares);
}
