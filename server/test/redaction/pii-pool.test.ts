import { afterAll, describe, expect, it } from 'vitest';
import { detectPii } from '../../src/redaction/pii';
import { PiiPool } from '../../src/redaction/pii-pool';

describe('PII worker threads', () => {
  const pool = new PiiPool(1);
  afterAll(() => pool.close());

  it('answer a text asked for again, in the same call or a later one, with the spans found on this thread', async () => {
    const a = 'Call me on +44 20 7946 0958 or mail jane.doe@example.com';
    const b = 'Nothing personal in this one.';
    const c = 'Card 4111 1111 1111 1111, SSN 123-45-6789';
    const first = await pool.detect([a, b, a, c]);
    const again = await pool.detect([c, a, 'a new one: 10.0.0.1', b]);
    const expected = async (texts: string[]) => Promise.all(texts.map((t) => detectPii(t)));
    expect(first).toEqual(await expected([a, b, a, c]));
    expect(again).toEqual(await expected([c, a, 'a new one: 10.0.0.1', b]));
    expect(first[0]!.length).toBeGreaterThan(1);
  });

  it('keeps answering right past the texts it remembers', async () => {
    // More distinct texts than the pool remembers, then the first ones again.
    const texts = Array.from({ length: 5000 }, (_, i) => `order ${i}: write to user${i}@example.com`);
    const spans = await pool.detect(texts);
    const again = await pool.detect(texts.slice(0, 10));
    expect(again).toEqual(spans.slice(0, 10));
    expect(spans[4999]).toEqual(await detectPii(texts[4999]!));
  });
});
