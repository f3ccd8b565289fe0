import type { AgreementStatistic } from '../../../lib/contract';

/**
 * Cohen's kappa for two raters over the same items: each pair is (first rater's label, second's).
 * Chance agreement comes from each rater's own label frequencies (Cohen 1960).
 */
export function cohensKappa(pairs: readonly (readonly [string, string])[]): AgreementStatistic {
  const n = pairs.length;
  if (n === 0) return { items: 0, observed: null, expected: null, kappa: null };
  const first = new Map<string, number>();
  const second = new Map<string, number>();
  let same = 0;
  for (const [a, b] of pairs) {
    if (a === b) same++;
    first.set(a, (first.get(a) ?? 0) + 1);
    second.set(b, (second.get(b) ?? 0) + 1);
  }
  const observed = same / n;
  let expected = 0;
  for (const [label, count] of first) expected += (count / n) * ((second.get(label) ?? 0) / n);
  // Both raters used one and the same label throughout: agreement is total but kappa is undefined.
  const kappa = expected === 1 ? null : (observed - expected) / (1 - expected);
  return { items: n, observed, expected, kappa };
}
