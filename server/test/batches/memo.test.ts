import { describe, expect, it } from 'vitest';
import { memoized } from '../../src/batches/examples/memo';

describe('memoized', () => {
  it('computes a key once while it is among the keys asked about lately, and always gives its answer', () => {
    const calls: string[] = [];
    const upper = memoized((k: string) => (calls.push(k), k.toUpperCase()), 2);
    expect([upper('a'), upper('b'), upper('a')]).toEqual(['A', 'B', 'A']);
    expect(calls).toEqual(['a', 'b']);
    // 'c' fills the newer generation: 'a' and 'b' are still known from the older one.
    expect([upper('c'), upper('a'), upper('b')]).toEqual(['C', 'A', 'B']);
    expect(calls).toEqual(['a', 'b', 'c']);
    // Two more generations on, 'c' was not asked about and is computed again.
    upper('d');
    upper('e');
    upper('f');
    expect(upper('c')).toBe('C');
    expect(calls.filter((k) => k === 'c')).toHaveLength(2);
  });
});
