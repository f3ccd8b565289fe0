import { describe, expect, it } from 'vitest';
import { sameReply } from '../../../src/batches/build/same-reply';

const normalised = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

// A seeded generator (mulberry32), so a failure can be replayed.
function random(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['a', 'A', 'b', 'B', 'z', 'Z', '1', '.', ' ', '  ', '\t', '\n', '\r\n', '\v', '\f', '\u00a0', '\u2028', '\u3000', 'é', 'É', 'İ', 'ß', 'Σ', 'σ', 'ς', '😀'];

describe('sameReply', () => {
  it('answers as comparing the texts with whitespace runs as one space, trimmed and lower-cased', () => {
    expect(sameReply('  Hello\n\nWorld ', 'hello world')).toBe(true);
    expect(sameReply('Hello world', 'Hello  world!')).toBe(false);
    expect(sameReply('hello', 'hello ')).toBe(true);
    expect(sameReply('hel lo', 'hello')).toBe(false);
    expect(sameReply('', '   ')).toBe(true);
    expect(sameReply('Straße\u00a0two', 'straße two')).toBe(true);
  });

  it('agrees with the reference on random texts of ASCII, Unicode whitespace and case-changing letters', () => {
    const next = random(42);
    // Half the texts ASCII only (walked in place), half with any piece (the reference's path).
    const ascii = PIECES.filter((p) => /^[\x00-\x7f]+$/.test(p));
    const text = () => {
      const from = next() < 0.5 ? ascii : PIECES;
      return Array.from({ length: Math.floor(next() * 12) }, () => from[Math.floor(next() * from.length)]).join('');
    };
    let equal = 0;
    for (let n = 0; n < 20_000; n++) {
      const a = text();
      // Half the pairs are a text and a respaced, recased copy of it, so equal answers are common.
      const b = next() < 0.5 ? text() : a.replace(/ /g, next() < 0.5 ? '\t ' : ' ').toUpperCase();
      const expected = normalised(a) === normalised(b);
      if (expected) equal++;
      expect(sameReply(a, b), JSON.stringify([a, b])).toBe(expected);
    }
    expect(equal).toBeGreaterThan(2000);
  });
});
