/**
 * Bradley–Terry strengths from weighted pairwise outcomes, fitted with Hunter's (2004) MM
 * algorithm. `wins[i][j]` is the weight of i beating j (ties already split half and half).
 * A small prior (PRIOR weight of a tie between every compared pair) keeps an arm that never won
 * at a finite, non-zero strength. Returns strengths normalised to sum to 1.
 */
const PRIOR = 0.5;

/** How many wins a pairwise verdict counts for, by its strength (the dashboard's and the champion's). */
export const STRENGTH_WEIGHT: Readonly<Record<string, number>> = { slight: 1, clear: 2, strong: 3 };

export function bradleyTerry(arms: string[], wins: Map<string, Map<string, number>>, iterations = 500): Map<string, number> {
  const n = arms.length;
  const w = arms.map((a) => arms.map((b) => wins.get(a)?.get(b) ?? 0));
  const games = arms.map((_, i) => arms.map((_, j) => (i === j ? 0 : w[i]![j]! + w[j]![i]!)));
  // Prior: half a win each way for every pair that met at all.
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j && games[i]![j]! > 0) {
    w[i]![j]! += PRIOR / 2;
    games[i]![j]! += PRIOR;
  }
  let p = arms.map(() => 1 / n);
  for (let it = 0; it < iterations; it++) {
    const next = p.map((pi, i) => {
      const won = w[i]!.reduce((s, x) => s + x, 0);
      let denom = 0;
      for (let j = 0; j < n; j++) if (games[i]![j]! > 0) denom += games[i]![j]! / (pi + p[j]!);
      return denom > 0 ? won / denom : pi;
    });
    const total = next.reduce((s, x) => s + x, 0) || 1;
    const normalised = next.map((x) => x / total);
    const delta = normalised.reduce((s, x, i) => s + Math.abs(x - p[i]!), 0);
    p = normalised;
    if (delta < 1e-10) break;
  }
  return new Map(arms.map((a, i) => [a, p[i]!]));
}
