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
