import { describe, expect, it } from 'vitest';
import { sameContent } from '../../src/annotations/same-content';

describe('sameContent', () => {
  const a = { id: '01a21351-f20c-7683-a717-52f81595b232', type: 'adoption', payload: { similarity: 0.62, tags: ['x', 'y'], slot: null, nested: { b: 1, a: 2 } } };

  it('holds for the same values whatever the key order and the case of the id', () => {
    const reordered = { payload: { nested: { a: 2, b: 1 }, slot: null, tags: ['x', 'y'], similarity: 0.62 }, type: 'adoption', id: a.id.toUpperCase() };
    expect(sameContent(a, reordered)).toBe(true);
    expect(sameContent(a, structuredClone(a))).toBe(true);
    expect(sameContent({ ...a, n: -0 }, { ...a, n: 0 })).toBe(true); // Postgres keeps no negative zero
  });

  it('fails for any other value, key, order of a list or id', () => {
    expect(sameContent(a, { ...a, payload: { ...a.payload, similarity: 0.63 } })).toBe(false);
    expect(sameContent(a, { ...a, payload: { ...a.payload, tags: ['y', 'x'] } })).toBe(false);
    expect(sameContent(a, { ...a, payload: { ...a.payload, tags: ['x'] } })).toBe(false);
    expect(sameContent(a, { ...a, payload: { ...a.payload, slot: 'A' } })).toBe(false);
    expect(sameContent(a, { ...a, extra: 1 })).toBe(false);
    expect(sameContent({ ...a, extra: null }, a)).toBe(false);
    expect(sameContent(a, { ...a, payload: { ...a.payload, nested: [2, 1] } })).toBe(false);
    expect(sameContent(a, { ...a, type: 'relevance' })).toBe(false);
    expect(sameContent(a, { ...a, id: '01a21351-f20c-7683-a717-52f81595b233' })).toBe(false);
    expect(sameContent(a, { ...a, payload: { ...a.payload, similarity: '0.62' } })).toBe(false);
  });

  it('fails when either side is missing or not an annotation', () => {
    expect(sameContent(undefined, a)).toBe(false);
    expect(sameContent(null, a)).toBe(false);
    expect(sameContent(a, 'text')).toBe(false);
    expect(sameContent({ ...a, id: 7 }, a)).toBe(false);
  });
});
