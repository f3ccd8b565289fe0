import { describe, expect, it } from 'vitest';
import type { DriftMetrics } from '../../../lib/contract';
import { DriftCollector, driftWarnings, windowedDistinct2 } from '../../src/batches/drift';
import { replyProvenance } from '../../src/batches/examples/provenance';
import { hashRank } from '../../src/batches/examples/sampling';
import { textCache } from '../../src/batches/examples/text-cache';
import { MinHashIndex, shingles } from '../../src/batches/near-duplicates';

describe('batch building blocks', () => {
  it('finds near-duplicate replies and keeps distinct ones apart', () => {
    const index = new MinHashIndex({ bands: 8, rows: 4, threshold: 0.8 });
    const sig = (t: string) => index.signature(shingles(t, 3));
    const base = 'Thanks for reaching out. Your refund of the annual plan was issued today and reaches your card within five to ten business days. I also cancelled the renewal.';
    const first = index.add(sig(base));
    expect(index.find(sig(base.replace('Thanks', 'Thank you')))).toBe(first);
    expect(index.find(sig('Please sign out and back in after clearing the cache of the app; if the error stays, send a screenshot.'))).toBe(-1);
  });

  it('maps adoption outcomes to provenance; unedited and lightly edited model text is synthetic', () => {
    expect((['as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used'] as const).map(replyProvenance)).toEqual([
      'model_unedited',
      'model_light_edit',
      'model_heavy_edit',
      'agent_written',
      'agent_written',
    ]);
  });

  it('ranks by hash, the same on every run', () => {
    expect(hashRank('seed', 'synthetic', 'x')).toBe(hashRank('seed', 'synthetic', 'x'));
    expect(hashRank('seed', 'synthetic', 'x')).not.toBe(hashRank('other', 'synthetic', 'x'));
    const ranks = Array.from({ length: 2000 }, (_, i) => hashRank('u', String(i)));
    expect(ranks.every((r) => r >= 0 && r < 1)).toBe(true);
    expect(ranks.filter((r) => r < 0.1).length).toBeGreaterThan(150); // roughly uniform
    expect(ranks.filter((r) => r < 0.1).length).toBeLessThan(250);
  });

  it('evicts the least recently used entries by count and by weight', () => {
    const lru = textCache<string>(3, 10, (k) => k.length);
    lru.set('aaaa', '1');
    lru.set('bbbb', '2');
    lru.get('aaaa');
    lru.set('cccc', '3'); // 12 characters > 10: the least recently used (bbbb) goes
    expect([lru.get('aaaa'), lru.get('bbbb'), lru.get('cccc')]).toEqual(['1', undefined, '3']);
  });

  it('warns when a share rises or diversity falls over three generations, not before', () => {
    const m = (synthetic: number, asIs: number, distinct2: number, rows = 1000): DriftMetrics => ({
      sftRows: rows,
      meanReplyChars: 100,
      adoptions: rows,
      inserted: rows,
      outcomeShares: { as_is: asIs, heavy_edit: 1 - asIs },
      armShares: { A: 0.5, B: 0.5 },
      distinct2,
      syntheticShare: synthetic,
    });
    expect(driftWarnings([m(0.1, 0.2, 0.9)], m(0.2, 0.3, 0.8))).toEqual([]);
    const warnings = driftWarnings([m(0.1, 0.2, 0.9), m(0.2, 0.3, 0.8)], m(0.3, 0.25, 0.7));
    expect(warnings).toEqual([
      'synthetic share of SFT replies grew for 3 generations: 0.1 -> 0.2 -> 0.3',
      'distinct-2 diversity of SFT replies fell for 3 generations: 0.9 -> 0.8 -> 0.7',
    ]);
  });

  it('does not warn about moves within sampling noise or too small to matter', () => {
    const m = (synthetic: number, distinct2: number, rows: number): DriftMetrics => ({
      sftRows: rows,
      meanReplyChars: 100,
      adoptions: rows,
      inserted: rows,
      outcomeShares: { as_is: synthetic },
      armShares: {},
      distinct2,
      syntheticShare: synthetic,
    });
    // Ten points up over 40 rows a generation is within two standard errors; over 4000 it is not.
    expect(driftWarnings([m(0.3, 0.5, 40), m(0.35, 0.5, 40)], m(0.4, 0.5, 40))).toEqual([]);
    expect(driftWarnings([m(0.3, 0.5, 4000), m(0.35, 0.5, 4000)], m(0.4, 0.5, 4000))).toHaveLength(2);
    // One point up, and distinct-2 down by 2% of itself: real, but not worth an alarm.
    expect(driftWarnings([m(0.3, 0.5, 1e6), m(0.305, 0.495, 1e6)], m(0.31, 0.49, 1e6))).toEqual([]);
    // Manifests from before adoptions were counted: the size of the move alone decides.
    const old = (x: number): DriftMetrics => ({ ...m(x, 0.5, 10), adoptions: undefined, inserted: undefined });
    expect(driftWarnings([old(0.3), old(0.35)], old(0.4))).toEqual(['share of adoption outcome as_is grew for 3 generations: 0.3 -> 0.35 -> 0.4']);
  });

  it('measures distinct-2 over fixed-size windows, so a growing pool of the same replies does not look less diverse', () => {
    const replies = (n: number) => Array.from({ length: n }, (_, i) => `reply ${i % 150} says word${i % 150} and term${(i % 150) * 7}`);
    const small = windowedDistinct2(replies(150));
    const large = windowedDistinct2(replies(1500));
    expect(Math.abs(large.distinct2 - small.distinct2) / small.distinct2).toBeLessThan(0.05);
    expect([small.distinct2Windows, small.distinct2StdErr]).toEqual([1, 0]);
    expect(large.distinct2Windows).toBe(15);
  });

  it('reports a fall of distinct-2 only beyond the noise of its windows', () => {
    const m = (distinct2: number, windows: number, se: number): DriftMetrics => ({
      sftRows: 100 * windows,
      meanReplyChars: 100,
      outcomeShares: {},
      armShares: {},
      distinct2,
      distinct2Windows: windows,
      distinct2StdErr: se,
      syntheticShare: 0.5,
    });
    const fell = (a: DriftMetrics, b: DriftMetrics, c: DriftMetrics) => driftWarnings([a, b], c).length > 0;
    // 10% down, measured on 20 windows with a small spread: a trend.
    expect(fell(m(0.2, 20, 0.002), m(0.19, 20, 0.002), m(0.18, 20, 0.002))).toBe(true);
    // The same fall from a first batch of one window (about 5% noise on its own): not evidence.
    expect(fell(m(0.2, 1, 0), m(0.19, 20, 0.002), m(0.18, 20, 0.002))).toBe(false);
    // 6% down with windows that spread widely: within two standard errors.
    expect(fell(m(0.2, 4, 0.005), m(0.195, 4, 0.005), m(0.188, 4, 0.005))).toBe(false);
  });

  it('reports a fall of distinct-2 that leaves the SFT replies as diverse as the agents\' own as a change of mix, not a warning', () => {
    const m = (distinct2: number, human?: number): DriftMetrics => ({
      sftRows: 2000,
      meanReplyChars: 100,
      outcomeShares: {},
      armShares: {},
      distinct2,
      distinct2Windows: 20,
      distinct2StdErr: 0.002,
      syntheticShare: 0.5,
      ...(human !== undefined && { humanDistinct2: human, humanDistinct2Windows: 10, humanDistinct2StdErr: 0.003 }),
    });
    const fell = (c: DriftMetrics) => driftWarnings([m(0.2), m(0.19)], c);
    // 10% down, and now 10% under what agents write: the flywheel narrowing its own training data.
    expect(fell(m(0.18, 0.2))).toEqual(['distinct-2 diversity of SFT replies fell for 3 generations: 0.2 -> 0.19 -> 0.18 (human-written replies: 0.2)']);
    // The same fall to the agents' own diversity: the mix moved towards what agents write.
    expect(fell(m(0.18, 0.181))).toEqual([]);
    // Too few human replies to compare (one window), or a manifest from before they were sampled: the trend decides.
    expect(fell({ ...m(0.18, 0.181), humanDistinct2Windows: 1 })).toHaveLength(1);
    expect(fell(m(0.18))).toHaveLength(1);
  });

  it('follows the model\'s own adopted replies when every generation recorded them, against the agents\' diversity', () => {
    const m = (sft: number, model: number, human: number): DriftMetrics => ({
      sftRows: 2000,
      meanReplyChars: 100,
      outcomeShares: {},
      armShares: {},
      distinct2: sft,
      distinct2Windows: 20,
      distinct2StdErr: 0.002,
      syntheticShare: 0.5,
      humanDistinct2: human,
      humanDistinct2Windows: 10,
      humanDistinct2StdErr: 0.003,
      modelDistinct2: model,
      modelDistinct2Windows: 10,
      modelDistinct2StdErr: 0.002,
    });
    // The model's replies narrow below the agents' while the SFT file (held by the cap) does not move.
    expect(driftWarnings([m(0.2, 0.2, 0.2), m(0.2, 0.19, 0.2)], m(0.2, 0.18, 0.2))).toEqual([
      "distinct-2 diversity of the model's adopted replies fell for 3 generations: 0.2 -> 0.19 -> 0.18 (human-written replies: 0.2)",
    ]);
    // The SFT file loses diversity as the cap leans it towards the long replies the model stopped writing: no warning.
    expect(driftWarnings([m(0.22, 0.23, 0.2), m(0.21, 0.23, 0.2)], m(0.19, 0.23, 0.2))).toEqual([]);
    // The model's replies fall from above the agents' to their level: its lean going, not a collapse.
    expect(driftWarnings([m(0.2, 0.24, 0.2), m(0.2, 0.22, 0.2)], m(0.2, 0.2, 0.2))).toEqual([]);
  });

  it('samples the human-written replies\' diversity apart from all SFT replies\'', () => {
    const c = new DriftCollector();
    for (let i = 0; i < 400; i++) {
      // Synthetic replies all alike, human ones all different.
      if (i % 2) c.sftReply('your refund is on its way today', true, hashRank('h', String(i)));
      else c.sftReply(`reply ${i} says word${i} and term${i * 7}`, false, hashRank('h', String(i)));
    }
    const d = c.metrics();
    expect(d.humanDistinct2Windows).toBe(2);
    expect(d.humanDistinct2!).toBeGreaterThan(d.distinct2);
    expect(d.humanDistinct2StdErr).toBeGreaterThanOrEqual(0);
  });

  it('measures distinct-2 on a fixed-size sample of replies', () => {
    const same = new DriftCollector();
    const varied = new DriftCollector();
    for (let i = 0; i < 50; i++) {
      same.sftReply('your refund is on its way', false, hashRank('d', String(i)));
      varied.sftReply(`reply ${i} says word${i} and term${i * 7}`, i % 2 === 0, hashRank('d', String(i)));
    }
    expect(same.metrics().distinct2).toBeLessThan(0.1);
    expect(varied.metrics().distinct2).toBeGreaterThan(0.5);
    expect(varied.metrics().syntheticShare).toBe(0.5);
  });
});
