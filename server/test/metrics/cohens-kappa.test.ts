import { describe, expect, it } from 'vitest';
import { cohensKappa } from '../../src/metrics/cohens-kappa';

const repeat = (n: number, pair: [string, string]) => Array.from({ length: n }, () => pair);

describe('cohensKappa', () => {
  it('gives the textbook value: 50 proposals, two readers, 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no', () => {
    // The worked example in Wikipedia's "Cohen's kappa": p_o = 0.7, p_e = 0.5, kappa = 0.4.
    const k = cohensKappa([...repeat(20, ['yes', 'yes']), ...repeat(5, ['yes', 'no']), ...repeat(10, ['no', 'yes']), ...repeat(15, ['no', 'no'])]);
    expect(k.items).toBe(50);
    expect(k.observed).toBeCloseTo(0.7, 12);
    expect(k.expected).toBeCloseTo(0.5, 12);
    expect(k.kappa).toBeCloseTo(0.4, 12);
  });

  it('is 1 for perfect agreement, 0 at chance, negative when raters disagree systematically', () => {
    expect(cohensKappa([['a', 'a'], ['b', 'b'], ['c', 'c']]).kappa).toBe(1);
    expect(cohensKappa([['a', 'a'], ['a', 'b'], ['b', 'a'], ['b', 'b']]).kappa).toBeCloseTo(0, 12);
    expect(cohensKappa([['a', 'b'], ['b', 'a']]).kappa).toBe(-1);
  });

  it('says nothing when there is nothing to compare or kappa is undefined', () => {
    expect(cohensKappa([])).toEqual({ items: 0, observed: null, expected: null, kappa: null });
    expect(cohensKappa([['a', 'a'], ['a', 'a']])).toEqual({ items: 2, observed: 1, expected: 1, kappa: null });
  });
});
