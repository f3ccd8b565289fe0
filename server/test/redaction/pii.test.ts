import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectOwn, ibanValid, luhnValid } from '../../src/redaction/detectors';
import { RowRedactor, detectPii } from '../../src/redaction/pii';

interface Case {
  text: string;
  pii: { type: string; value: string }[];
  /** Near-misses that must survive redaction verbatim (order numbers, dates, prices, versions...). */
  keep: string[];
}

const CORPUS: Case[] = fs
  .readFileSync(new URL('../fixtures/pii-corpus.jsonl', import.meta.url), 'utf8')
  .trimEnd()
  .split('\n')
  .map((line) => JSON.parse(line));

async function score(redact: (text: string) => Promise<string>) {
  let found = 0;
  let total = 0;
  let falsePositives = 0;
  let keeps = 0;
  const misses: string[] = [];
  const destroyed: string[] = [];
  for (const c of CORPUS) {
    const out = await redact(c.text);
    for (const p of c.pii) {
      total++;
      if (out.includes(p.value)) misses.push(`${p.type} ${p.value}`);
      else found++;
    }
    for (const k of c.keep) {
      keeps++;
      if (!out.includes(k)) {
        falsePositives++;
        destroyed.push(`${k} -> ${out}`);
      }
    }
  }
  return { recall: found / total, found, total, falsePositives, keeps, misses, destroyed };
}

describe('PII redaction', () => {
  it('has a labelled corpus of at least 200 cases with near-misses', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(200);
    expect(CORPUS.filter((c) => c.pii.length === 0).length).toBeGreaterThanOrEqual(80);
    expect(new Set(CORPUS.flatMap((c) => c.pii.map((p) => p.type)))).toEqual(new Set(['EMAIL', 'PHONE', 'CARD', 'IBAN', 'NATIONAL_ID', 'IP', 'SECRET']));
  });

  it('finds the PII in the corpus and leaves the near-misses alone', async () => {
    const result = await score((text) => new RowRedactor({}).redact(text));
    const own = await score(async (text) => new RowRedactor({}).apply(text, resolve(detectOwn(text))));
    console.log(
      `PII corpus (${CORPUS.length} cases): recall ${result.found}/${result.total} (${(100 * result.recall).toFixed(1)}%), ` +
        `false positives ${result.falsePositives}/${result.keeps} near-misses; ` +
        `our detectors alone: recall ${own.found}/${own.total}, false positives ${own.falsePositives}`,
    );
    if (result.misses.length) console.log('missed:', result.misses);
    if (result.destroyed.length) console.log('near-misses destroyed:', result.destroyed);
    expect(result.recall).toBeGreaterThanOrEqual(0.97);
    expect(result.falsePositives).toBeLessThanOrEqual(3);
  });

  it('gives one value one typed placeholder within a row, and counts them', async () => {
    const counts: Record<string, number> = {};
    const row = new RowRedactor(counts);
    const a = await row.redact('Email DANA@example.com or dana@example.com; backup ops@example.com.');
    const b = await row.redact('Card 4111 1111 1111 1111 (same as 4111-1111-1111-1111), call +44 20 7946 0958.');
    expect(a).toBe('Email [EMAIL_1] or [EMAIL_1]; backup [EMAIL_2].');
    expect(b).toBe('Card [CARD_1] (same as [CARD_1]), call [PHONE_1].');
    expect(counts).toEqual({ EMAIL: 3, CARD: 2, PHONE: 1 });
    // The next row numbers from 1 again.
    expect(await new RowRedactor(counts).redact('ops@example.com')).toBe('[EMAIL_1]');
  });

  it('validates checksums', async () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(ibanValid('DE89370400440532013000')).toBe(true);
    expect(ibanValid('DE89370400440532013001')).toBe(false);
    expect(await detectPii('not a card: 4111 1111 1111 1112')).toEqual([]);
    expect((await detectPii('not an IBAN: DE89 3704 0044 0532 0130 01')).filter((s) => s.type === 'IBAN')).toEqual([]);
  });
});

/** Overlapping spans resolved as detectPii does (earliest, then longest). */
function resolve(spans: ReturnType<typeof detectOwn>) {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const kept: typeof spans = [];
  let reach = -1;
  for (const s of sorted) if (s.start >= reach) (kept.push(s), (reach = s.end));
  return kept;
}
