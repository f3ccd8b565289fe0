import { readdirSync, readFileSync } from 'node:fs';
import { OpenRedaction } from '@openredaction/core';
import { describe, expect, it } from 'vitest';
import { libraryDetector } from '../../src/redaction/library-detections';
import { LIBRARY_PATTERNS } from '../../src/redaction/pii';

const fixtures = new URL('../fixtures/', import.meta.url);
const texts = (file: URL) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (JSON.parse(l) as { text: string }).text);
const corpus = [
  ...texts(new URL('pii-corpus.jsonl', fixtures)),
  ...readdirSync(new URL('pii-holdout/', fixtures))
    .filter((f) => f.endsWith('.jsonl'))
    .flatMap((f) => texts(new URL(`pii-holdout/${f}`, fixtures))),
];
const library = () => new OpenRedaction({ patterns: Object.keys(LIBRARY_PATTERNS), enableCache: false });
const viaDetect = async (lib: OpenRedaction, text: string) => (await lib.detect(text)).detections.map((d) => ({ type: d.type, position: d.position }));
const viaEngine = async (detect: ReturnType<typeof libraryDetector>, text: string) => (await detect(text)).map((d) => ({ type: d.type, position: d.position }));

describe("the library's findings without the rest of its detect()", () => {
  it('are the findings of detect(), in the same order, on both PII corpora and on random texts', async () => {
    const lib = library();
    const detect = libraryDetector(lib);
    let seed = 7;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const pieces = ['4111 1111 1111 1111', 'GB82 WEST 1234 5698 7654 32', '10.0.0.1', 'AKIAABCDEFGHIJKLMNOP', 'passport 123456789', 'SSN 123-45-6789', 'eyJhbGciOi.eyJzdWIi.c2ln', ' the order ', '2001:db8::1'];
    const mixed = Array.from({ length: 400 }, () => Array.from({ length: 1 + Math.floor(random() * 5) }, () => pieces[Math.floor(random() * pieces.length)]).join(' '));
    let found = 0;
    for (const text of [...corpus, ...mixed]) {
      const expected = await viaDetect(lib, text);
      found += expected.length;
      expect(await viaEngine(detect, text), text).toEqual(expected);
    }
    expect(corpus.length).toBeGreaterThan(200);
    expect(found).toBeGreaterThan(400); // the comparison saw many findings, ties included
  });

  it('fall back to detect() when the engine is not the expected one', async () => {
    const lib = library();
    (lib as unknown as { detectionEngine: unknown }).detectionEngine = { ...(lib as unknown as { detectionEngine: object }).detectionEngine, processPatterns: undefined };
    const detect = libraryDetector(lib);
    let called = 0;
    const found = { type: 'CREDIT_CARD', position: [5, 24] };
    lib.detect = (async () => (called++, { detections: [found] })) as unknown as typeof lib.detect;
    expect(await detect('card 4111 1111 1111 1111')).toEqual([found]);
    expect(called).toBe(1);
  });

  it('still refuse a text over the size limit, as detect() does', async () => {
    const lib = new OpenRedaction({ patterns: Object.keys(LIBRARY_PATTERNS), enableCache: false, maxInputSize: 1000 });
    const detect = libraryDetector(lib);
    await expect(detect('é'.repeat(600))).rejects.toThrow(/exceeds maximum allowed size/);
    await expect(detect('e'.repeat(600))).resolves.toEqual([]);
  });
});
