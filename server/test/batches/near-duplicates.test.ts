import { describe, expect, it } from 'vitest';
import { MinHashIndex, shingles, type MinHashOptions } from '../../src/batches/near-duplicates';
// A seeded generator (mulberry32), so a failure can be replayed.
import { seeded as rng } from '../helpers/simulated-agents';


const SENTENCES = Array.from({ length: 14 }, (_, i) => `sentence ${i} says something about order ${i * 7} and the refund ${i % 3} today`);

/** Replies made of a few shared sentences, some repeated word for word, some with a word changed: many near-duplicates and big band buckets. */
function replies(n: number, seed: number): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    if (out.length > 0 && r() < 0.3) {
      out.push(out[Math.floor(r() * out.length)]!);
      continue;
    }
    const parts = Array.from({ length: 1 + Math.floor(r() * 4) }, () => SENTENCES[Math.floor(r() * SENTENCES.length)]!);
    let text = parts.join(' ');
    if (r() < 0.5) text = text.replace(/\d+/, String(Math.floor(r() * 50)));
    out.push(text);
  }
  return out;
}

/** Equal rows of two signatures. */
const same = (a: Uint32Array, b: Uint32Array) => a.reduce((n, x, i) => n + (x === b[i] ? 1 : 0), 0);
/** Whether two signatures are equal in every row of at least one band (then they share that band's bucket). */
const shareBand = (a: Uint32Array, b: Uint32Array, { bands, rows }: MinHashOptions) =>
  Array.from({ length: bands }, (_, band) => band).some((band) => a.subarray(band * rows, (band + 1) * rows).every((x, i) => x === b[band * rows + i]));

/** What `find` means, read off every stored signature: the best match sharing a band, the earliest of equals, or -1. */
function reference(stored: Uint32Array[], sig: Uint32Array, options: MinHashOptions): number {
  const size = options.bands * options.rows;
  let best = -1;
  let bestScore = -1;
  stored.forEach((other, id) => {
    if (!shareBand(sig, other, options)) return;
    const score = same(sig, other) / size;
    if (score >= options.threshold && score > bestScore) {
      best = id;
      bestScore = score;
    }
  });
  return best;
}

describe('MinHash near-duplicates', () => {
  const configs: MinHashOptions[] = [
    { bands: 8, rows: 4, threshold: 0.8 }, // the SFT gate's: a match shares 2 or more bands
    { bands: 8, rows: 4, threshold: 0.9 }, // 5 or more
    { bands: 8, rows: 4, threshold: 0.5 }, // 1: every bucket hit is read
    { bands: 16, rows: 2, threshold: 0.5 }, // the gap index's
  ];
  for (const options of configs) {
    it(`finds what a scan of every stored signature finds (${options.bands}x${options.rows}, threshold ${options.threshold})`, () => {
      const index = new MinHashIndex(options);
      const stored: Uint32Array[] = [];
      let matched = 0;
      for (const [i, text] of replies(1500, options.bands * 100 + options.threshold * 10).entries()) {
        const sig = index.signature(shingles(text, 3));
        const expected = reference(stored, sig, options);
        expect(index.find(sig), `find, reply ${i}`).toBe(expected);
        expect(index.matches(sig), `matches, reply ${i}`).toBe(expected >= 0);
        if (expected >= 0) matched++;
        // Like the SFT gate, keep what matched nothing; every 10th reply is kept anyway, so equal signatures are stored and ties are tested.
        if (expected < 0 || i % 10 === 0) {
          expect(index.add(sig)).toBe(stored.length);
          stored.push(sig);
        }
      }
      // Both outcomes occur often enough for the comparison to mean something.
      expect(matched).toBeGreaterThan(300);
      expect(stored.length).toBeGreaterThan(150);
    });
  }

  it('returns the earliest of equally good matches', () => {
    const index = new MinHashIndex({ bands: 8, rows: 4, threshold: 0.8 });
    const sig = index.signature(shingles('the same reply stored three times over', 3));
    const other = index.signature(shingles('a different reply altogether with other words', 3));
    index.add(other);
    const first = index.add(sig);
    index.add(sig);
    index.add(sig);
    expect(index.find(sig)).toBe(first);
    expect(index.matches(sig)).toBe(true);
    expect(index.matches(index.signature(shingles('nothing like any of them, not one word in common', 3)))).toBe(false);
  });
});
