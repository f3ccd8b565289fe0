import { OpenRedaction } from '@openredaction/core';
import { describe, expect, it } from 'vitest';
import { LIBRARY_NEEDS } from '../../src/redaction/library-prefilter';
import { LIBRARY_PATTERNS, libraryMightMatch } from '../../src/redaction/pii';

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

  it('names, for every library pattern, something each of its matches contains', () => {
    const patterns = library.getPatterns().filter((p) => LIBRARY_PATTERNS[p.type]);
    expect(Object.keys(LIBRARY_NEEDS).sort()).toEqual(Object.keys(LIBRARY_PATTERNS).sort());
    let seed = 11;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
    // Pieces of the library's own shapes, so that random texts match its patterns often.
    const pieces = ['1', '23', '456', '7890', '12345', '4111 ', '5500-', '0000.', '1234567', '192.168.', '10.0.', '9', '0', ' ', '-', '.', ':', '/', '+', '=', '_', '\u00a0', 'AB', 'GB', 'de', 'X', 'S', 'C',
      'ssn ', 'SSN: ', 'social security ', 'NI ', 'nino ', 'ITIN ', 'SIN ', 'NHS ', 'passport ', 'pass ', 'sk-', 'sk_live_', 'pk_test_', 'ghp_', 'npm_',
      'xoxb-', 'AKIA', 'AIza', 'eyJ', 'Bearer ', '-----BEGIN PRIVATE KEY-----', '-----END PRIVATE KEY-----', 'ffff', 'abcd', 'QWERTYUIOPASDFGHJKLZXCVBNM', 'aws secret ', 'the '];
    const KEYWORDS = ['SSN: ', 'social security ', 'NI ', 'NINO ', 'national insurance ', 'ITIN ', 'individual taxpayer ', 'SIN ', 'social insurance ', 'NHS ', 'nhs number ', 'passport ', 'pass ',
      'sk-', 'sk-proj-', 'sk_live_', 'pk_test_', 'ghp_', 'npm_', 'xoxb-', 'AKIA', 'AIza', 'eyJ', 'Bearer ', 'aws secret ', 'S', 'X'];
    const hits: Record<string, number> = {};
    // Shapes random texts rarely hit, checked first.
    const samples = ['NI: AB 12 34 56 C', 'NINO AB123456C', 'national insurance JG-12-34-56-A', 'jwt eyJhbGciOi.eyJzdWIi.c2ln', 'S1234567D', 'fe80:0:0:0:0:0:0:1', '2001:db8:85a3:0:0:8a2e:370:7334',
      'ITIN 912-78-1234', 'AKIAABCDEFGHIJ123456', 'nhs number 943 476 5919', 'SIN: 046 454 286', 'ssn 123-45-6789'];
    for (let n = 0; n < 40_000 + samples.length; n++) {
      let text = samples[n] ?? '';
      const length = text ? 0 : 4 + Math.floor(random() * 90);
      while (text.length < length) text += random() < 0.5 ? pick(pieces) : random() < 0.5 ? String(Math.floor(random() * 10)) : pick([...'abcxyzABCXYZ']);
      // A keyword, then what its pattern wants after it: digits in groups, or a long key.
      if (n >= samples.length && random() < 0.4) {
        text += pick(KEYWORDS);
        const after = 8 + Math.floor(random() * 50);
        const chars = pick(['0123456789 -', 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 'ABCEGH 0123456789', '98765 -', 'abcdef0123456789:.']);
        for (let k = 0; k < after; k++) text += chars[Math.floor(random() * chars.length)];
        if (random() < 0.5) text += pick([...'ABCDJ']);
      }
      for (const p of patterns) {
        const re = new RegExp(p.regex.source, p.regex.flags);
        if (!re.test(text)) continue;
        hits[p.type] = (hits[p.type] ?? 0) + 1;
        expect(LIBRARY_NEEDS[p.type]!.test(text), `${p.type}: ${text}`).toBe(true);
        expect(libraryMightMatch(text), `${p.type}: ${text}`).toBe(true);
      }
      // The grouped tests are the per-pattern ones, read fewer times.
      expect(libraryMightMatch(text), text).toBe(Object.values(LIBRARY_NEEDS).some((re) => re.test(text)));
    }
    if (process.env.SHOW_HITS) console.log(hits);
    // Every pattern was matched often enough for its check to mean something .
    for (const p of patterns) expect(hits[p.type] ?? 0, p.type).toBeGreaterThan(0);
  });

  it('skips a ticket subject with an order number, and prose with an email address', () => {
    expect(libraryMightMatch('Question about order 104321')).toBe(false);
    expect(libraryMightMatch('My email is customer12@mail-provider.net, thanks')).toBe(false);
    expect(libraryMightMatch('Card 4111 1111 1111 1111')).toBe(true);
  });

  it('skips plain prose', () => {
    expect(libraryMightMatch('Thanks for reaching out about your order. I am sorry for the trouble.')).toBe(false);
    expect(libraryMightMatch('Order 48213 shipped')).toBe(false);
    expect(libraryMightMatch('Order 4821377 shipped')).toBe(true);
  });
});
