import fc from 'fast-check';
import { v4 as uuidv4, v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import { Annotation, KNOWLEDGE_GAP_CATEGORIES, LIMITS, RATIONALE_TAGS } from '../../../lib/contract';
import { realisticAnnotations } from '../../../bench/realistic-annotations';
import { plainAnnotation } from '../../src/annotations/plain-annotation';
import { ANNOTATION_EXAMPLES } from '../helpers/annotations';

const CLIENT = '0190a5d4-0000-7000-8000-000000000000';
const json = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** Values near every rule of the schema: limits, enum members of other fields, wrong types. */
const tricky = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.constantFrom<unknown>(
    undefined, null, true, 0, -0, 1, -1, 0.5, 0.3, 0.8, 0.98, 0.2999, 1.0000001, 2, 8, 9, 2 ** 53, 1.5, NaN, Infinity,
    30 * 24 * 3600 * 1000, 30 * 24 * 3600 * 1000 + 1,
    '', ' ', '\t', 'x', '\u0000', 'a\ud800', 'x'.repeat(32), 'x'.repeat(33), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(LIMITS.label + 1),
    'x'.repeat(LIMITS.shortText), 'x'.repeat(LIMITS.shortText + 1), 'ab-_9', 'ab c', 'ab.c',
    'A', 'B', 'tie', 'both_bad', 'slight', 'zendesk', 'rt', 'Zendesk', 'relevant', 'outdated', 'as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used',
    'public', 'internal', 'preference', 'adoption', 'relevance', 'missing_knowledge', ...RATIONALE_TAGS, ...KNOWLEDGE_GAP_CATEGORIES,
    ['A', 'B'], ['B', 'A'], ['A', 'A'], ['A', 'B', 'A'], ['A'], [], [RATIONALE_TAGS[0], RATIONALE_TAGS[0]], [...RATIONALE_TAGS], [RATIONALE_TAGS[1]], ['nope'],
    { asIs: 0.98, lightEdit: 0.8, heavyEdit: 0.3 }, { asIs: 0.5, lightEdit: 0.8, heavyEdit: 0.3 }, { asIs: 1, lightEdit: 1, heavyEdit: 1 }, { asIs: 0.9, lightEdit: 0.8 },
    { platform: 'zendesk', ticketId: '1' }, { platform: 'zendesk', ticketId: '1', extra: 1 },
    uuidv7(), uuidv7().toUpperCase(), uuidv4(), '00000000-0000-0000-0000-000000000000', 'ffffffff-ffff-ffff-ffff-ffffffffffff',
    '2026-02-29T10:00:00Z', '2024-02-29T10:00:00Z', '2026-01-01T10:00:00.123+02:00', '2026-01-01T10:00:00', '2026-01-01', '2026-13-01T10:00:00Z',
    '__proto__', 'constructor', CLIENT,
  ),
);

const where = ['top', 'payload', 'ticket', 'payload.thresholds'] as const;
const examples = [...Object.values(ANNOTATION_EXAMPLES), ...realisticAnnotations(40, CLIENT, 7)].map(json);

/** A valid annotation with one to three fields somewhere replaced, removed, or added. */
const mutated = fc
  .record({
    example: fc.constantFrom(...examples),
    edits: fc.array(fc.record({ op: fc.constantFrom('replace', 'delete', 'add'), where: fc.constantFrom(...where), pick: fc.nat(), value: tricky, name: fc.string({ maxLength: 10 }) }), { minLength: 1, maxLength: 3 }),
  })
  .map(({ example, edits }) => {
    const copy = structuredClone(example) as unknown as Record<string, unknown>;
    for (const { op, where: at, pick, value: given, name } of edits) {
      // A copy: the tricky constants are shared by every run, and a later edit of this item may
      // write into the value (an extra key on the shared ['A', 'B']), which JSON never makes.
      const value = structuredClone(given);
      let target: unknown = copy;
      if (at !== 'top') for (const step of at.split('.')) target = (target as Record<string, unknown> | undefined)?.[step];
      if (typeof target !== 'object' || target === null) continue;
      const t = target as Record<string, unknown>;
      const keys = Object.keys(t);
      if (op === 'add' || keys.length === 0) t[name || 'x'] = value;
      else if (op === 'delete') delete t[keys[pick % keys.length]!];
      else t[keys[pick % keys.length]!] = value;
    }
    return copy;
  });

describe('plainAnnotation (the quick check ahead of zod)', () => {
  it('never accepts what the zod schema rejects, and accepts it unchanged when it does', () => {
    let accepted = 0;
    let rejected = 0;
    fc.assert(
      fc.property(mutated, (item) => {
        const quick = plainAnnotation(item);
        const zod = Annotation.safeParse(item);
        if (quick !== null) {
          accepted++;
          expect(zod.success).toBe(true);
          expect(quick).toBe(item);
          expect(item).toStrictEqual(zod.data);
        } else if (!zod.success) rejected++;
      }),
      { numRuns: 20_000 },
    );
    // Both sides of the line were exercised.
    expect(accepted).toBeGreaterThan(1000);
    expect(rejected).toBeGreaterThan(5000);
  });

  it('accepts the shapes sync sees every day, so zod runs only for the rest', () => {
    const items = [...Object.values(ANNOTATION_EXAMPLES), ...realisticAnnotations(2000, CLIENT, 3)].map(json);
    for (const item of items) {
      expect(Annotation.safeParse(item).success).toBe(true);
      expect(plainAnnotation(item)).toBe(item);
    }
  });

  it('agrees with zod at the limits of each field', () => {
    const [relevance, adoption, preference] = [json(ANNOTATION_EXAMPLES.relevance), json(ANNOTATION_EXAMPLES.adoption), json(ANNOTATION_EXAMPLES.preference)];
    const cases: unknown[] = [
      { ...relevance, elapsedMs: 30 * 24 * 3600 * 1000 },
      { ...relevance, elapsedMs: 30 * 24 * 3600 * 1000 + 1 },
      { ...relevance, elapsedMs: -0 },
      { ...relevance, ticket: { platform: 'rt', ticketId: 'x'.repeat(64) } },
      { ...relevance, ticket: { platform: 'rt', ticketId: 'x'.repeat(65) } },
      { ...relevance, clientVersion: 'x'.repeat(32) },
      { ...relevance, clientVersion: 'x'.repeat(33) },
      { ...relevance, payload: { ...relevance.payload, rank: LIMITS.shownArticles } },
      { ...relevance, payload: { ...relevance.payload, rank: LIMITS.shownArticles + 1 } },
      { ...relevance, payload: { ...relevance.payload, articleVersion: 2 ** 53 - 1 } },
      { ...relevance, payload: { ...relevance.payload, articleVersion: 2 ** 53 } },
      { ...relevance, createdAt: '2024-02-29T23:59:59.999-12:00' },
      { ...relevance, createdAt: '2023-02-29T23:59:59Z' },
      { ...adoption, payload: { ...adoption.payload, sentText: 'x'.repeat(LIMITS.longText) } },
      { ...adoption, payload: { ...adoption.payload, sentText: 'x'.repeat(LIMITS.longText + 1) } },
      { ...adoption, payload: { ...adoption.payload, rationaleTags: [...RATIONALE_TAGS] } },
      { ...adoption, payload: { ...adoption.payload, rationaleTags: [RATIONALE_TAGS[0], RATIONALE_TAGS[0]] } },
      { ...adoption, payload: { ...adoption.payload, rationaleTags: [...RATIONALE_TAGS, RATIONALE_TAGS[0]] } },
      ...[['A', 'B', 'A'], ['A'], ['B', 'B'], ['B', 'A']].map((shownOrder) => ({ ...preference, payload: { ...preference.payload, shownOrder } })),
      { ...preference, payload: { ...preference.payload, verdict: 'tie' } },
      { ...preference, payload: { verdict: 'both_bad', shownOrder: ['A', 'B'] } },
      { ...preference, payload: { verdict: 'B', shownOrder: ['A', 'B'] } },
      { ...adoption, payload: { ...adoption.payload, similarity: 0.3, outcome: 'heavy_edit' } },
      { ...adoption, payload: { ...adoption.payload, similarity: 0.2999, outcome: 'heavy_edit' } },
      { ...adoption, payload: { ...adoption.payload, outcome: 'not_used', slot: null, similarity: null, sentText: null } },
      { ...adoption, payload: { ...adoption.payload, outcome: 'not_used', slot: null, similarity: null } },
      { ...json(ANNOTATION_EXAMPLES.missing_knowledge), payload: { description: ' \n ' } },
      { ...json(ANNOTATION_EXAMPLES.missing_knowledge), payload: { description: 'x', suggestedTitle: 'x'.repeat(LIMITS.label) } },
    ];
    for (const item of cases) expect([item, plainAnnotation(item) !== null]).toEqual([item, Annotation.safeParse(item).success]);
  });
});
