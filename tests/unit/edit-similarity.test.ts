import { describe, expect, it } from 'vitest';
import { AdoptionPayload, DEFAULT_ADOPTION_THRESHOLDS } from '../../lib/contract';
import { adoptionOf, editSimilarity } from '../../lib/edit-similarity';

const SUGGESTION = 'Hi Dana, annual plans can be refunded in full within 14 days of purchase. I have started the refund; it reaches your card in 5-10 business days.';

describe('edit similarity and the adoption outcome', () => {
  it('ignores whitespace and line wrapping', () => {
    expect(editSimilarity(SUGGESTION, SUGGESTION.replace(/ /g, '\n  '))).toBe(1);
  });

  it.each([
    ['as_is', SUGGESTION],
    ['light_edit', SUGGESTION.replace('Hi Dana,', 'Hello Dana,') + ' Best, Sam'],
    ['heavy_edit', 'Hi Dana, annual plans can be refunded in full within 30 days. I have issued the refund today and cancelled your renewal, so you will not be charged again.'],
    ['discarded', 'Could you send me the order number so I can look into this?'],
  ] as const)('classifies %s', (outcome, sent) => {
    const result = adoptionOf(SUGGESTION, sent, DEFAULT_ADOPTION_THRESHOLDS);
    expect(result.outcome).toBe(outcome);
    // What the panel sends is exactly what the server re-checks.
    expect(AdoptionPayload.safeParse({ outcome, slot: 'A', similarity: result.similarity, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: sent }).success).toBe(true);
  });

  it('stays fast and bounded on long, unrelated texts', () => {
    const a = 'lorem ipsum dolor '.repeat(1000);
    const b = 'alpha beta gamma delta '.repeat(900);
    const started = performance.now();
    const s = editSimilarity(a, b);
    expect(s).toBeGreaterThanOrEqual(0);
    expect(s).toBeLessThan(0.3);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});
