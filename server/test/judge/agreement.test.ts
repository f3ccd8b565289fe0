import { describe, expect, it } from 'vitest';
import { judgeAgreement, type JudgedPair } from '../../src/metrics/judge-agreement';
import { meanWithInterval } from '../../src/metrics/score-interval';

const pairs = (spec: [agent: 'A' | 'B', a: number, b: number, count: number][]): JudgedPair[] =>
  spec.flatMap(([agent, scoreA, scoreB, count]) => Array.from({ length: count }, () => ({ agent, scoreA, scoreB })));

describe('judgeAgreement', () => {
  it('gives the textbook kappa of a 2×2 table (20 both A, 5 A/B, 10 B/A, 15 both B: κ = 0.4)', () => {
    // observed (20 + 15) / 50 = 0.7; chance 0.5·0.6 + 0.5·0.4 = 0.5; kappa (0.7 − 0.5) / 0.5 = 0.4.
    const g = judgeAgreement(pairs([['A', 5, 2, 20], ['A', 2, 4, 5], ['B', 4, 1, 10], ['B', 1, 3, 15]]));
    expect(g).toMatchObject({ pairs: 50, same: 35, judgeTies: 0, share: 0.7, verdict: 'agrees' });
    expect(g.kappa.observed).toBeCloseTo(0.7, 12);
    expect(g.kappa.expected).toBeCloseTo(0.5, 12);
    expect(g.kappa.kappa).toBeCloseTo(0.4, 12);
  });

  it('counts equal scores as a judge tie, which never matches the agent', () => {
    const g = judgeAgreement(pairs([['A', 3, 3, 5], ['A', 4, 2, 5], ['B', 2, 4, 5], ['B', 4, 4, 5]]));
    expect(g).toMatchObject({ pairs: 20, same: 10, judgeTies: 10, share: 0.5 });
    // chance: agent A 0.5 × judge A 0.25 + agent B 0.5 × judge B 0.25 = 0.25; kappa (0.5 − 0.25) / 0.75.
    expect(g.kappa.kappa).toBeCloseTo(1 / 3, 12);
    expect(g.verdict).toBe('weak');
  });

  it('shows a judge that orders replies against the agents as disagreeing', () => {
    const g = judgeAgreement(pairs([['A', 1, 5, 8], ['B', 5, 1, 8], ['A', 5, 1, 2], ['B', 1, 5, 2]]));
    expect(g.share).toBeCloseTo(0.2, 12);
    expect(g.kappa.kappa).toBeCloseTo(-0.6, 12);
    expect(g.verdict).toBe('disagrees');
  });

  it('does not call a judge that always prefers A, with agents who mostly do, an agreeing one', () => {
    // 80% raw agreement, all of it what chance gives: kappa 0.
    const g = judgeAgreement(pairs([['A', 5, 1, 16], ['B', 5, 1, 4]]));
    expect(g.share).toBeCloseTo(0.8, 12);
    expect(g.kappa.kappa).toBeCloseTo(0, 12);
    expect(g.verdict).toBe('disagrees');
  });

  it('says there are too few pairs under ten, and nothing with none', () => {
    expect(judgeAgreement(pairs([['A', 5, 1, 9]])).verdict).toBe('too few pairs');
    expect(judgeAgreement([])).toEqual({ pairs: 0, same: 0, judgeTies: 0, share: null, kappa: { items: 0, observed: null, expected: null, kappa: null }, verdict: 'too few pairs' });
  });
});

describe('meanWithInterval', () => {
  it('is mean ± t(0.975, n−1)·s/√n', () => {
    // 2, 3, 3, 4, 4: mean 3.2, s² = 2.8 / 4 = 0.7, t(4) = 2.776: half-width 2.776·√(0.7/5) ≈ 1.039.
    const { mean, interval } = meanWithInterval([2, 3, 3, 4, 4]);
    expect(mean).toBeCloseTo(3.2, 12);
    expect(interval!.low).toBeCloseTo(3.2 - 2.776 * Math.sqrt(0.7 / 5), 10);
    expect(interval!.high).toBeCloseTo(3.2 + 2.776 * Math.sqrt(0.7 / 5), 10);
    // Past 30 degrees of freedom the normal 1.96.
    const many = Array.from({ length: 40 }, (_, i) => (i % 2 ? 2 : 4));
    expect(meanWithInterval(many).interval!.high).toBeCloseTo(3 + 1.96 * Math.sqrt(40 / 39 / 40), 10);
  });

  it('stays within the 1–5 scale and has no interval for one score', () => {
    expect(meanWithInterval([5, 5, 4]).interval!.high).toBe(5);
    expect(meanWithInterval([1, 1, 2]).interval!.low).toBe(1);
    expect(meanWithInterval([3])).toEqual({ mean: 3, interval: null });
    expect(meanWithInterval([4, 4, 4, 4])).toEqual({ mean: 4, interval: { low: 4, high: 4 } });
  });
});
