import { OpenRedaction } from '@openredaction/core';
import { describe, expect, it } from 'vitest';
import { LIBRARY_NEEDS, LIBRARY_PATTERNS, libraryMightMatch } from '../../src/redaction/pii';

// The library with the patterns pii.ts uses, asked directly (without the prefilter).
const library = new OpenRedaction({ patterns: Object.keys(LIBRARY_PATTERNS), enableCache: false });
const libraryFinds = async (text: string) => (await library.detect(text)).detections.filter((d) => LIBRARY_PATTERNS[d.type]).length > 0;

describe('skipping the PII library for texts it cannot match', () => {
  it('never skips a digit-free text the library finds something in', async () => {
    const digitFree = [
      'key AKIAABCDEFGHIJKLMNOP leaked',
      'slack xoxb-abcdefghijkl-mnopqrstuv',
      'jwt eyJhbGciOiJIUzI.eyJzdWIiOiJhYmMi.c2lnbmF0dXJl',
      'Authorization: Bearer abcdefghijklmnopqrstuvwx',
      '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
      'passport: ABCDEFGH',
      'from abcd:ef:ab:cd:ef:fa:bc:de today',
      'npm_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ',
      'sk_live_abcdefghijklmnopqrstuvwxyz',
      'secret aws abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN',
    ];
    let found = 0;
    for (const text of digitFree) {
      if (await libraryFinds(text)) {
        found++;
        expect(libraryMightMatch(text), text).toBe(true);
      }
    }
    expect(found).toBeGreaterThanOrEqual(6);
  });

  it('agrees with the library on random digit-free texts', async () => {
    let seed = 42;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = 'abcdefABCDEFxyzXYZ /+=_.:-';
    const words = ['pass', 'eyJ', 'Bearer ', 'AKIA', 'xoxb-', 'sk_live_', 'ghp_', 'npm_', 'AIza', '-----BEGIN PRIVATE KEY-----', ' the ', ' order '];
    for (let n = 0; n < 3000; n++) {
      let text = '';
      const length = 5 + Math.floor(random() * 80);
      while (text.length < length) text += random() < 0.1 ? words[Math.floor(random() * words.length)] : alphabet[Math.floor(random() * alphabet.length)];
      if (await libraryFinds(text)) expect(libraryMightMatch(text), text).toBe(true);
    }
  });

  it('answers as the one-pattern test it is split from, on random texts', () => {
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const alphabet = 'abcdefABCDEFxyz ZQ:/+=_.-,;!(1';
    const words = ['pass', 'PASS', 'eyJ', 'EYJ', '-----BEGIN', '-----begin', 'ab:cd:', 'fe80:', ' the ', 'Bearer'];
    let skipped = 0;
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = Math.floor(random() * 60);
      while (text.length < length) text += random() < 0.08 ? words[Math.floor(random() * words.length)] : alphabet[Math.floor(random() * (random() < 0.95 ? alphabet.length - 1 : alphabet.length))];
      expect(libraryMightMatch(text), text).toBe(LIBRARY_NEEDS.test(text));
      if (!LIBRARY_NEEDS.test(text)) skipped++;
    }
    // Both answers must be common, or the comparison proves little.
    expect(skipped).toBeGreaterThan(2000);
    expect(skipped).toBeLessThan(18_000);
  });

  it('skips plain prose', () => {
    expect(libraryMightMatch('Thanks for reaching out about your order. I am sorry for the trouble.')).toBe(false);
    expect(libraryMightMatch('Order 48213 shipped')).toBe(true);
  });
});
