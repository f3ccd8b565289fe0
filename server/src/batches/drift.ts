import type { DriftMetrics } from '../../../lib/contract';
import { LengthStats, lengthGapWarning } from './length-gap';
import { words } from './near-duplicates';

/** Replies sampled for distinct-2, at most: a bounded memory whatever the batch's size. */
export const DIVERSITY_SAMPLE = 2000;
/** Replies per distinct-2 window: the same window in every generation, so sizes compare fairly. */
export const DIVERSITY_WINDOW = 100;

/**
 * Collects one generation's drift metrics while the batch is written. Everything is a counter
 * except the diversity sample, which keeps the DIVERSITY_SAMPLE replies of lowest hash rank.
 */
export class DriftCollector {
  private sftRows = 0;
  private replyChars = 0;
  private synthetic = 0;
  private readonly humanChars = new LengthStats();
  private readonly syntheticChars = new LengthStats();
  private readonly outcomes = new Map<string, number>();
  private readonly arms = new Map<string, number>();
  private adoptions = 0;
  private inserted = 0;
  private readonly sample = new RankSample();
  // The human-written replies' own sample: the diversity agents write with, to compare against.
  private readonly humanSample = new RankSample();

  adoption(outcome: string, armId: string | null): void {
    this.adoptions++;
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
    if (armId !== null) {
      this.inserted++;
      this.arms.set(armId, (this.arms.get(armId) ?? 0) + 1);
    }
  }

  sftReply(text: string, synthetic: boolean, rank: number): void {
    this.sftRows++;
    this.replyChars += text.length;
    if (synthetic) this.synthetic++;
    (synthetic ? this.syntheticChars : this.humanChars).add(text.length);
    this.sample.add(rank, text);
    if (!synthetic) this.humanSample.add(rank, text);
  }

  metrics(): DriftMetrics {
    const shares = (m: Map<string, number>, total: number) =>
      Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, round(v / total)]));
    return {
      sftRows: this.sftRows,
      meanReplyChars: this.sftRows ? round(this.replyChars / this.sftRows) : 0,
      adoptions: this.adoptions,
      inserted: this.inserted,
      outcomeShares: this.adoptions ? shares(this.outcomes, this.adoptions) : {},
      armShares: this.inserted ? shares(this.arms, this.inserted) : {},
      ...windowedDistinct2(this.sample.texts()),
      ...(this.humanSample.size > 0 && humanDiversity(windowedDistinct2(this.humanSample.texts()))),
      syntheticShare: this.sftRows ? round(this.synthetic / this.sftRows) : 0,
      replyChars: { human: this.humanChars.summary(), synthetic: this.syntheticChars.summary() },
    };
  }
}

/** The DIVERSITY_SAMPLE replies of lowest hash rank: a max-heap on rank, whose root is the one to drop when a lower rank comes along. */
export class RankSample {
  private readonly heap: { rank: number; text: string }[] = [];

  add(rank: number, text: string): void {
    const h = this.heap;
    if (h.length < DIVERSITY_SAMPLE) {
      h.push({ rank, text });
      let i = h.length - 1;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (h[p]!.rank >= h[i]!.rank) break;
        [h[p], h[i]] = [h[i]!, h[p]!];
        i = p;
      }
    } else if (rank < h[0]!.rank) {
      h[0] = { rank, text };
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && h[l]!.rank > h[m]!.rank) m = l;
        if (r < h.length && h[r]!.rank > h[m]!.rank) m = r;
        if (m === i) break;
        [h[m], h[i]] = [h[i]!, h[m]!];
        i = m;
      }
    }
  }

  get size(): number {
    return this.heap.length;
  }

  /** The sampled replies in rank order (a hash order: consecutive windows are random draws). */
  texts(): string[] {
    return [...this.heap].sort((a, b) => a.rank - b.rank).map((x) => x.text);
  }
}

const humanDiversity = (d: { distinct2: number; distinct2Windows: number; distinct2StdErr: number }) => ({
  humanDistinct2: d.distinct2,
  humanDistinct2Windows: d.distinct2Windows,
  humanDistinct2StdErr: d.distinct2StdErr,
});

/**
 * Distinct-2 (distinct word bigrams / all bigrams) averaged over consecutive windows of
 * DIVERSITY_WINDOW replies, like the moving-average type-token ratio: a plain ratio falls as the
 * sample grows (more text, more repeats), so an accumulating pool would look less diverse every
 * generation with nothing changed. Fewer replies than a window: one window of what there is.
 * The standard error is the windows' spread over the square root of their number (0 for one).
 */
export function windowedDistinct2(replies: string[]): { distinct2: number; distinct2Windows: number; distinct2StdErr: number } {
  const windows = Math.max(1, Math.floor(replies.length / DIVERSITY_WINDOW));
  const values: number[] = [];
  for (let w = 0; w < windows; w++) {
    const bigrams = new Set<string>();
    let total = 0;
    for (const text of replies.slice(w * DIVERSITY_WINDOW, (w + 1) * DIVERSITY_WINDOW)) {
      const t = words(text);
      for (let i = 0; i + 1 < t.length; i++) {
        bigrams.add(t[i] + ' ' + t[i + 1]);
        total++;
      }
    }
    if (total > 0) values.push(bigrams.size / total);
  }
  const k = values.length;
  const mean = k ? values.reduce((a, b) => a + b, 0) / k : 0;
  const sd = k > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (k - 1)) : 0;
  return { distinct2: round(mean), distinct2Windows: k, distinct2StdErr: round(k > 1 ? sd / Math.sqrt(k) : 0) };
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

/** Generations over which a trend must hold before it is reported. */
export const DRIFT_GENERATIONS = 3;
/**
 * Smallest rise of a share over those generations worth an operator's attention: two percentage
 * points. Below that, a week's mix of tickets moves shares as much on its own.
 */
export const MIN_SHARE_RISE = 0.02;
/** Smallest fall of distinct-2 over those generations, relative to where it started: 5%, about one window's noise. */
export const MIN_DIVERSITY_FALL = 0.05;
/** Standard errors a rise must exceed to count as more than sampling noise (two-sided 95%). */
const NOISE_Z = 2;

/**
 * True when `values` rose every generation, by MIN_SHARE_RISE or more in all, and by more than
 * sampling noise: NOISE_Z standard errors of the difference between the first and the last share
 * (a binomial proportion over `counts`, when the manifests recorded them).
 */
function grewBeyondNoise(values: number[], counts: (number | undefined)[]): boolean {
  if (!values.every((v, i) => i === 0 || v > values[i - 1]!)) return false;
  const first = values[0]!;
  const last = values.at(-1)!;
  if (last - first < MIN_SHARE_RISE) return false;
  const n1 = counts[0];
  const n2 = counts.at(-1);
  if (!n1 || !n2) return true;
  const p = (first + last) / 2;
  return last - first > NOISE_Z * Math.sqrt(p * (1 - p) * (1 / n1 + 1 / n2));
}

/** One distinct-2 measurement: its value, the windows it averages and their standard error (undefined: not recorded). */
interface Diversity {
  value: number;
  windows: number | undefined;
  stdErr: number | undefined;
}

const sftDiversity = (m: DriftMetrics): Diversity => ({ value: m.distinct2, windows: m.distinct2Windows, stdErr: m.distinct2StdErr });
const modelDiversity = (m: DriftMetrics): Diversity | null =>
  m.modelDistinct2 === undefined ? null : { value: m.modelDistinct2, windows: m.modelDistinct2Windows, stdErr: m.modelDistinct2StdErr };
const humanDiversityOf = (m: DriftMetrics): Diversity | null =>
  m.humanDistinct2 === undefined ? null : { value: m.humanDistinct2, windows: m.humanDistinct2Windows, stdErr: m.humanDistinct2StdErr };

/**
 * True when distinct-2 fell every generation, by MIN_DIVERSITY_FALL of itself or more, and by more
 * than NOISE_Z standard errors of the first and last measurements. A generation measured on a
 * single window (under 200 sampled replies) has no standard error: one window of 100 replies
 * varies by about 5% from sample to sample on its own, so it cannot show a trend of that size.
 * Manifests from before the windows were recorded: the size of the fall alone decides.
 */
function fellBeyondNoise(series: Diversity[]): boolean {
  const d = series.map((m) => m.value);
  if (!d.every((v, i) => i === 0 || v < d[i - 1]!)) return false;
  const fall = d[0]! - d.at(-1)!;
  if (fall < MIN_DIVERSITY_FALL * d[0]!) return false;
  const first = series[0]!;
  const last = series.at(-1)!;
  if (first.windows === undefined || last.windows === undefined) return true;
  if (first.windows < 2 || last.windows < 2) return false;
  return fall > NOISE_Z * Math.hypot(first.stdErr ?? 0, last.stdErr ?? 0);
}

/**
 * True when `measured` is less diverse than the batch's human-written replies (anchors included)
 * by MIN_DIVERSITY_FALL of the human value or more, and by more than NOISE_Z standard errors of
 * the two. `undefined` when it cannot tell: fewer than two windows (200 replies) on either side,
 * or a manifest from before the human replies were sampled apart (aitl-batch/4).
 */
function belowHuman(measured: Diversity, human: Diversity | null): boolean | undefined {
  if (!human || (human.windows ?? 0) < 2 || (measured.windows ?? 0) < 2) return undefined;
  const gap = human.value - measured.value;
  return gap >= MIN_DIVERSITY_FALL * human.value && gap > NOISE_Z * Math.hypot(measured.stdErr ?? 0, human.stdErr ?? 0);
}

/**
 * The diversity warning. What amplification does to diversity is make the model write less
 * varied text than the people it learns from, generation after generation (arXiv 2410.15234), so
 * it is read on the model's own adopted replies (before the synthetic cap sampled them) when all
 * three generations recorded them, else on the SFT replies. And a fall counts only to a level
 * below the agents' own replies': distinct-2 moves with the mix of what is written as much as
 * with how (short replies repeat fewer bigrams than long ones), so a model or a batch moving
 * towards the agents' mix, as the guard makes it, can lose distinct-2 with nothing collapsing.
 * Without enough human replies to compare against (200), the trend alone decides.
 */
function diversityWarning(series: DriftMetrics[]): string | null {
  const model = series.map(modelDiversity);
  const own = model.every((d) => d !== null);
  const measured = own ? (model as Diversity[]) : series.map(sftDiversity);
  const human = humanDiversityOf(series.at(-1)!);
  if (!fellBeyondNoise(measured) || belowHuman(measured.at(-1)!, human) === false) return null;
  const what = own ? "the model's adopted replies" : 'SFT replies';
  const reference = human && (human.windows ?? 0) >= 2 ? ` (human-written replies: ${human.value})` : '';
  return `distinct-2 diversity of ${what} fell for ${DRIFT_GENERATIONS} generations: ${measured.map((d) => d.value).join(' -> ')}${reference}`;
}

/**
 * Warnings when the synthetic SFT replies are not as long as the human ones (length-gap.ts), and
 * when, over the last three generations (this one included), a share rose every time or
 * diversity fell every time, by more than noise and by enough to matter (MIN_SHARE_RISE,
 * MIN_DIVERSITY_FALL), diversity as diversityWarning reads it. The
 * bias-amplification paper saw majority shares grow while quality looked flat, so shares are
 * watched on their own.
 */
export function driftWarnings(history: DriftMetrics[], current: DriftMetrics): string[] {
  const series = [...history.slice(-(DRIFT_GENERATIONS - 1)), current];
  // The guard's per-batch check needs no history; the trends below need three generations.
  const gap = lengthGapWarning(current);
  const warnings: string[] = gap ? [gap] : [];
  if (series.length < DRIFT_GENERATIONS) return warnings;
  const rising = (label: string, values: number[], counts: (number | undefined)[]) => {
    if (grewBeyondNoise(values, counts)) warnings.push(`${label} grew for ${DRIFT_GENERATIONS} generations: ${values.join(' -> ')}`);
  };
  rising('synthetic share of SFT replies', series.map((m) => m.syntheticShare), series.map((m) => m.sftRows));
  for (const key of Object.keys(current.outcomeShares)) {
    rising(`share of adoption outcome ${key}`, series.map((m) => m.outcomeShares[key] ?? 0), series.map((m) => m.adoptions));
  }
  for (const key of Object.keys(current.armShares)) {
    rising(`share of inserted replies from arm ${key}`, series.map((m) => m.armShares[key] ?? 0), series.map((m) => m.inserted));
  }
  const diversity = diversityWarning(series);
  if (diversity) warnings.push(diversity);
  return warnings;
}
