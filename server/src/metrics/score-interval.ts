/** Two-sided 95% Student's t critical values for 1–30 degrees of freedom; past 30, the normal 1.96 is close enough. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074,
  2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * The mean of rubric scores and its 95% interval (mean ± t·s/√n), kept within the scale's 1–5.
 * Scores are few and discrete, so t rather than the normal: with 5 scores the interval is 1.4
 * times wider than the normal one would claim. Null interval for a single score.
 */
export function meanWithInterval(scores: readonly number[]): { mean: number; interval: { low: number; high: number } | null } {
  const n = scores.length;
  if (n === 0) throw new Error('meanWithInterval needs at least one score');
  const mean = scores.reduce((s, x) => s + x, 0) / n;
  if (n === 1) return { mean, interval: null };
  const variance = scores.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  const half = (T95[n - 2] ?? 1.96) * Math.sqrt(variance / n);
  return { mean, interval: { low: Math.max(1, mean - half), high: Math.min(5, mean + half) } };
}
