import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectOwn } from '../../src/redaction/detectors';

const FIXTURES = new URL('../fixtures/', import.meta.url);

/** Every text of both PII corpora (the tuned one and the holdout), and their near misses. */
function corpusTexts(): string[] {
  const files = [new URL('pii-corpus.jsonl', FIXTURES), ...readdirSync(new URL('pii-holdout/', FIXTURES)).filter((f) => f.endsWith('.jsonl')).map((f) => new URL(`pii-holdout/${f}`, FIXTURES))];
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => (JSON.parse(l) as { text: string }).text),
  );
}

describe('the cheap gates in front of our PII detectors', () => {
  it('find the same spans, in the same order, as every pattern run on every text of both corpora', () => {
    const texts = corpusTexts();
    expect(texts.length).toBeGreaterThan(300);
    let found = 0;
    for (const text of texts) {
      const all = detectOwn(text, false);
      found += all.length;
      expect(detectOwn(text), text).toEqual(all);
    }
    expect(found).toBeGreaterThan(200);
  });

  it('find the same spans on random texts made of the pieces PII is written with', () => {
    let seed = 3;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pieces = ['@', 'a.b', 'example.com', ':', '::', 'fe80', 'https://', 'x.io/?token=', 'Bearer ', 'eyJ', 'abcdefgh', '.', '-', ' ', '+44 ', '00', '(415) ', '555-0199', '4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '192.168.0.1', 'passport ', 'call me on ', 'the ', 'Order '];
    for (let n = 0; n < 5000; n++) {
      let text = '';
      const length = Math.floor(random() * 80);
      while (text.length < length) text += random() < 0.6 ? pieces[Math.floor(random() * pieces.length)] : String.fromCharCode(97 + Math.floor(random() * 26));
      expect(detectOwn(text), text).toEqual(detectOwn(text, false));
    }
  });
});
