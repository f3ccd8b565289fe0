import type { DriftMetrics, ReplyLengths } from '../../../lib/contract';

/**
 * The guard's own check, one batch at a time: are the synthetic SFT targets (model text adopted
 * unchanged or lightly edited) as long as the human-written ones next to them? The synthetic cap
 * samples model text within the human replies' length bands (build/length-matching.ts), so under
 * a binding cap the two match; when they do not (the cap raised until it no longer binds, or the
 * model's replies lengthening faster than the cap can match), the batch trains the model's own
 * lean back into it, which is how bias amplifies over generations (arXiv 2410.15234). A level,
 * not a trend: it is visible from the first batch, where a trend needs three.
 */

/**
 * Smallest gap between the synthetic and human mean reply length worth a warning: 10% of the
 * human mean. On real traffic that is a sentence in a reply of a few hundred characters; lighter
 * touch-ups than that (a sign-off, a name) move means by a few percent only.
 */
export const MIN_LENGTH_GAP = 0.1;
/** Standard errors the gap must exceed to count as more than sampling noise (two-sided 95%). */
const NOISE_Z = 2;

/** Running count, mean and spread of reply lengths (Welford), for one kind of SFT target. */
export class LengthStats {
  private n = 0;
  private mean = 0;
  private m2 = 0;

  add(length: number): void {
    this.n++;
    const d = length - this.mean;
    this.mean += d / this.n;
    this.m2 += d * (length - this.mean);
  }

  summary(): ReplyLengths {
    const round = (x: number) => Math.round(x * 1e3) / 1e3;
    return { n: this.n, mean: round(this.mean), sd: round(this.n > 1 ? Math.sqrt(this.m2 / (this.n - 1)) : 0) };
  }
}

/**
 * A warning when the batch's synthetic SFT targets are longer or shorter than its human-written
 * ones (anchors included) by MIN_LENGTH_GAP of the human mean and by more than NOISE_Z standard
 * errors of the difference (Welch). Fewer than two targets of either kind: nothing to compare.
 * A gap on the other side of the human replies from the model's own (its adopted replies before
 * the cap, `replyChars.model`) is the cap leaning against the model's lean, as it is built to
 * (build/length-matching.ts, COUNTER_LEAN), not model text entering in its own proportions.
 */
export function lengthGapWarning(current: DriftMetrics): string | null {
  const lengths = current.replyChars;
  if (!lengths) return null;
  const { human, synthetic } = lengths;
  if (human.n < 2 || synthetic.n < 2 || human.mean <= 0) return null;
  const gap = synthetic.mean - human.mean;
  if (Math.abs(gap) < MIN_LENGTH_GAP * human.mean) return null;
  if (lengths.model && lengths.model.n > 0 && Math.sign(lengths.model.mean - human.mean) !== Math.sign(gap)) return null;
  const se = Math.sqrt(human.sd ** 2 / human.n + synthetic.sd ** 2 / synthetic.n);
  if (Math.abs(gap) <= NOISE_Z * se) return null;
  const pct = Math.round((100 * Math.abs(gap)) / human.mean);
  return `synthetic SFT replies are ${pct}% ${gap > 0 ? 'longer' : 'shorter'} than human-written ones: ${Math.round(synthetic.mean)} vs ${Math.round(human.mean)} characters on average (${synthetic.n} and ${human.n} replies)`;
}
