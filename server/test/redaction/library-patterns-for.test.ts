import { OpenRedaction } from '@openredaction/core';
import { describe, expect, it } from 'vitest';
import { libraryDetector } from '../../src/redaction/library-detections';
import { libraryPatternsFor } from '../../src/redaction/library-prefilter';
import { LIBRARY_PATTERNS } from '../../src/redaction/pii';
import { holdoutCorpus, tunedCorpus } from '../helpers/pii-corpora';

const corpus = [...tunedCorpus(), ...holdoutCorpus()].map((c) => c.text);

describe('running only the library patterns a text can match', () => {
  it('finds what every pattern finds, in the same order, on both PII corpora and on random texts of PII pieces', async () => {
    const detect = libraryDetector(new OpenRedaction({ patterns: Object.keys(LIBRARY_PATTERNS), enableCache: false }));
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pieces = ['4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '10.0.0.1', 'AKIAABCDEFGHIJKLMNOP', 'passport 123456789', 'SSN 123-45-6789', 'NI AB123456C', 'eyJhbGciOi.eyJzdWIi.c2ln', 'sk-abcdefghijklmnopqrstuvwxyz12', 'xoxb-1234-abcd', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'Bearer abcdefghijklmnop', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJ/+=0123', ' the order 104321 ', '2001:db8::1', 'X1234567L', 'S1234567D', '046 454 286', '_', '-'];
    const mixed = Array.from({ length: 1500 }, () => Array.from({ length: 1 + Math.floor(random() * 5) }, () => pieces[Math.floor(random() * pieces.length)]).join(random() < 0.5 ? ' ' : ''));
    let found = 0;
    for (const text of [...corpus, ...mixed]) {
      const all = await detect(text);
      found += all.length;
      const hasDigit = /\d/.test(text);
      expect(await detect(text, libraryPatternsFor(text, hasDigit)), text).toEqual(all);
    }
    expect(found).toBeGreaterThan(500);
  });
});
