/**
 * Which synthetic SFT targets the synthetic cap keeps: as many as the cap allows, spread over
 * reply lengths the way the human-written targets are. Without it the kept synthetic replies
 * mirror the model's own leaning (longer replies, say), and a model refit on them learns that
 * leaning back, stronger each generation (arXiv 2410.15234). Length is the one style axis the
 * builder observes in every reply without a model of its own; a lean it does not show is left
 * to the drift report.
 */

/** Length bands: the deciles of the human-written replies' lengths. */
const BANDS = 10;

/** Upper edges of the length bands (a reply of length <= edges[i] is in band i); [] = one band. */
export function lengthBands(humanLengths: number[]): number[] {
  if (humanLengths.length === 0) return [];
  const sorted = Float64Array.from(humanLengths).sort();
  const edges: number[] = [];
  for (let i = 1; i < BANDS; i++) {
    const edge = sorted[Math.min(sorted.length - 1, Math.floor((i * sorted.length) / BANDS))]!;
    if (edges.at(-1) !== edge) edges.push(edge);
  }
  // The top edge would put the longest human replies alone in the last band; it is open-ended anyway.
  if (edges.at(-1) === sorted.at(-1)) edges.pop();
  return edges;
}

/** The band of a reply `length` characters long. */
export function bandOf(edges: number[], length: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (length <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * How strongly the batch leans against the model's own length mix, from 0 (the agents' mix, as
 * it is) to 1. A model fine-tuned on a batch keeps part of what it was: under the weighted refit
 * of arXiv 2410.15234 a style's new share is its old share times its share of the batch, so a
 * batch in the agents' mix leaves an existing lean where it is, and every chance excess of the
 * agents' sample adds to it, generation after generation, a random walk that never returns. A
 * batch whose band shares are the agents' times (agents' share / model's share) ^ COUNTER_LEAN
 * pulls a lean back by that fraction each generation under that refit, and under a refit that
 * forgets the old model entirely (plain maximum likelihood), whose fixed point is then the agents'
 * mix itself; with no lean at all, it is the agents' mix exactly. 1/2 halves a lean in a
 * generation either way without overshooting past the agents' mix by more than half.
 */
export const COUNTER_LEAN = 0.5;

/**
 * The share of all SFT targets (human and synthetic) each band should have: the human replies'
 * (`human`, per band), leaning against the bands where the model's newest adopted replies
 * (`model`, per band) are over-represented against them (COUNTER_LEAN). The model's shares are
 * smoothed with one pseudo-reply per band written in the agents' mix, so a band the model never
 * wrote in does not take everything, and a model with no lean has none.
 */
export function counterLeanShares(human: number[], model: number[], strength = COUNTER_LEAN): number[] {
  const h = human.reduce((a, b) => a + b, 0);
  const m = model.reduce((a, b) => a + b, 0);
  if (h === 0) return human.map(() => 0);
  const k = human.length;
  const raw = human.map((n, i) => (n / h) * (m === 0 ? 1 : (n / h / ((model[i]! + (k * n) / h) / (m + k))) ** strength));
  const sum = raw.reduce((a, b) => a + b, 0);
  return raw.map((x) => x / sum);
}

/**
 * How many synthetic targets each band should get so that, with the human replies already in it
 * (`human`), the file's bands come as close to `shares` as `allowed` synthetic targets and each
 * band's candidates (`available`) let them: the file size N at which sum over bands of
 * min(available, max(0, share * N - human)) is `allowed`, found by bisection. A band whose human
 * replies alone exceed its share gets none; what it cannot take goes to the others.
 */
export function syntheticTargets(allowed: number, human: number[], available: number[], shares: number[]): number[] {
  const fill = (n: number) => shares.map((c, b) => Math.min(available[b]!, Math.max(0, c * n - human[b]!)));
  const total = (n: number) => fill(n).reduce((a, b) => a + b, 0);
  let lo = 0;
  let hi = 1;
  while (total(hi) < allowed && hi < 1e15) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-9 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (total(mid) < allowed) lo = mid;
    else hi = mid;
  }
  return fill(hi);
}

/**
 * How many of the `allowed` synthetic targets each band keeps: in proportion to the human
 * targets per band (`human`), never more than the band's synthetic candidates (`available`);
 * what a short band cannot use goes to the others in the same proportions, so the total is
 * min(allowed, all candidates), the cap's number, exactly.
 */
export function bandQuotas(allowed: number, human: number[], available: number[]): number[] {
  const quotas = available.map(() => 0);
  let left = Math.min(allowed, available.reduce((a, b) => a + b, 0));
  let open = available.map((_, i) => i).filter((i) => available[i]! > 0);
  // Water-filling: bands that cannot take their share are filled and closed, the rest share what is left.
  while (left > 0 && open.length > 0) {
    const weight = open.reduce((a, i) => a + (human[i] ?? 0), 0);
    const share = (i: number) => (weight > 0 ? (left * (human[i] ?? 0)) / weight : left / open.length);
    const full = open.filter((i) => available[i]! - quotas[i]! <= share(i));
    if (full.length === 0) {
      // Whole numbers by largest remainder, ties to the lower band, so the total is exact and repeatable.
      const exact = open.map((i) => ({ i, q: share(i) }));
      let given = 0;
      for (const { i, q } of exact) {
        quotas[i]! += Math.floor(q);
        given += Math.floor(q);
      }
      exact.sort((a, b) => b.q - Math.floor(b.q) - (a.q - Math.floor(a.q)) || a.i - b.i);
      for (let k = 0; k < left - given; k++) quotas[exact[k]!.i]!++;
      return quotas;
    }
    for (const i of full) {
      left -= available[i]! - quotas[i]!;
      quotas[i] = available[i]!;
    }
    open = open.filter((i) => !full.includes(i));
  }
  return quotas;
}
