import { describe, expect, it } from 'vitest';
import { ReplyModel, refitStyles, styleShares } from '../../../bench/bias-reply-model';
import { STYLES, seededRandom, writeReply, type Style } from '../../../bench/bias-styles';

const facts = { name: 'Ben', order: 'A-54321', product: 'blender' };
const replies = (counts: Record<Style, number>, seed = 1) => {
  const r = seededRandom(seed);
  return STYLES.flatMap((s) => Array.from({ length: counts[s] }, () => writeReply(s, facts, r)));
};

describe('the bias bench weighted refit', () => {
  it('is share_k ∝ prior_k · count_k: data written evenly keeps the prior, a lean in the data compounds it', () => {
    const prior = ReplyModel.leaning('detailed', 0.4);
    const even = refitStyles(prior, replies({ brief: 100, standard: 100, detailed: 100 }));
    expect(even.shares.detailed).toBeCloseTo(0.4, 10);
    // Its own outputs in expectation: 0.4 · 0.4 / (0.16 + 0.09 + 0.09).
    const own = refitStyles(prior, replies({ brief: 30, standard: 30, detailed: 40 }));
    expect(own.shares.detailed).toBeCloseTo(0.16 / 0.34, 10);
    expect(own.shares.brief + own.shares.standard + own.shares.detailed).toBeCloseTo(1, 10);
  });

  it('is plain maximum likelihood with the prior weight at 0', () => {
    const prior = ReplyModel.leaning('detailed', 0.4);
    const mle = refitStyles(prior, replies({ brief: 50, standard: 25, detailed: 25 }), 0);
    expect(mle.shares).toEqual({ brief: 0.5, standard: 0.25, detailed: 0.25 });
  });

  it('keeps the prior when there is nothing to learn from', () => {
    const prior = ReplyModel.leaning('brief', 0.5);
    expect(refitStyles(prior, []).shares).toEqual(prior.shares);
  });

  it('samples styles in its shares', () => {
    const model = ReplyModel.leaning('standard', 0.6);
    const r = seededRandom(9);
    const texts = Array.from({ length: 3000 }, () => model.reply(facts, r).text);
    expect(styleShares(texts).standard).toBeGreaterThan(0.57);
    expect(styleShares(texts).standard).toBeLessThan(0.63);
  });
});
