import { describe, expect, it } from 'vitest';
import type { DriftMetrics } from '../../../lib/contract';
import { DriftCollector, driftWarnings } from '../../src/batches/drift';
import { LengthStats, lengthGapWarning } from '../../src/batches/length-gap';

const metrics = (human: { n: number; mean: number; sd: number }, synthetic: { n: number; mean: number; sd: number }): DriftMetrics => ({
  sftRows: human.n + synthetic.n,
  meanReplyChars: 0,
  adoptions: human.n + synthetic.n,
  inserted: synthetic.n,
  outcomeShares: {},
  armShares: {},
  distinct2: 0.5,
  syntheticShare: synthetic.n / (human.n + synthetic.n),
  replyChars: { human, synthetic },
});

describe('length gap between synthetic and human SFT replies', () => {
  it('summarises lengths with the sample standard deviation', () => {
    const s = new LengthStats();
    for (const n of [2, 4, 4, 4, 5, 5, 7, 9]) s.add(n);
    expect(s.summary()).toEqual({ n: 8, mean: 5, sd: 2.138 });
    expect(new LengthStats().summary()).toEqual({ n: 0, mean: 0, sd: 0 });
  });

  it('the collector keeps human (anchors included) and synthetic lengths apart', () => {
    const c = new DriftCollector();
    c.sftReply('x'.repeat(100), false, 0.1);
    c.sftReply('x'.repeat(300), false, 0.2);
    c.sftReply('x'.repeat(500), true, 0.3);
    expect(c.metrics().replyChars).toEqual({ human: { n: 2, mean: 200, sd: 141.421 }, synthetic: { n: 1, mean: 500, sd: 0 } });
  });

  it('warns from the first batch when model text is longer (or shorter) than what agents write, beyond noise', () => {
    const longer = metrics({ n: 80, mean: 200, sd: 150 }, { n: 400, mean: 260, sd: 170 });
    expect(lengthGapWarning(longer)).toBe('synthetic SFT replies are 30% longer than human-written ones: 260 vs 200 characters on average (400 and 80 replies)');
    expect(driftWarnings([], longer)).toHaveLength(1);
    expect(lengthGapWarning(metrics({ n: 500, mean: 400, sd: 100 }, { n: 500, mean: 340, sd: 100 }))).toMatch(/15% shorter/);
  });

  it('does not take the cap leaning against the model\'s own lengths for model text entering as it is', () => {
    const human = { n: 300, mean: 250, sd: 120 };
    const shorter = { n: 300, mean: 210, sd: 110 };
    // The model writes longer than agents (330 on average), the kept sample is shorter: the counter-lean.
    expect(lengthGapWarning({ ...metrics(human, shorter), replyChars: { human, synthetic: shorter, model: { n: 900, mean: 330, sd: 140 } } })).toBeNull();
    // The model writes shorter than agents and the kept sample is shorter still: its own lean, warned of.
    expect(lengthGapWarning({ ...metrics(human, shorter), replyChars: { human, synthetic: shorter, model: { n: 900, mean: 200, sd: 140 } } })).toMatch(/16% shorter/);
  });

  it('does not warn for gaps within noise, too small to matter, or with nothing to compare', () => {
    // 30% longer, but 10 human replies of this spread cannot tell.
    expect(lengthGapWarning(metrics({ n: 10, mean: 200, sd: 150 }, { n: 400, mean: 260, sd: 170 }))).toBeNull();
    // 5% longer over a million replies: real, but a sign-off, not a lean.
    expect(lengthGapWarning(metrics({ n: 1e6, mean: 200, sd: 150 }, { n: 1e6, mean: 210, sd: 150 }))).toBeNull();
    expect(lengthGapWarning(metrics({ n: 100, mean: 200, sd: 150 }, { n: 1, mean: 900, sd: 0 }))).toBeNull();
    // Manifests from before aitl-batch/3 have no lengths.
    expect(lengthGapWarning({ ...metrics({ n: 80, mean: 200, sd: 150 }, { n: 400, mean: 260, sd: 170 }), replyChars: undefined })).toBeNull();
  });
});
