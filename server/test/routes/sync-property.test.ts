import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Annotation, SyncResponse } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { ANNOTATION_EXAMPLES } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

/** Anything JSON can say, including the strings Postgres refuses (NUL, lone surrogates). */
const nasty = fc.oneof(
  fc.jsonValue(),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('\u0000', '\ud800', 'a\udfffb', '<script>alert(1)</script>', '', ' ', 'x'.repeat(25_000), -1, 1e308, NaN, null, true, [], {}),
);

/** A valid example with one field somewhere replaced, removed, or added. */
function mutated(clientId: string) {
  const examples = Object.values(ANNOTATION_EXAMPLES);
  return fc
    .record({
      example: fc.constantFrom(...examples),
      op: fc.constantFrom('replace', 'delete', 'add', 'keep'),
      where: fc.constantFrom('top', 'payload', 'ticket'),
      pick: fc.nat(),
      value: nasty,
      name: fc.string({ maxLength: 12 }),
    })
    .map(({ example, op, where, pick, value, name }) => {
      const copy = structuredClone(example) as Record<string, unknown>;
      copy.id = fc.sample(fc.uuid({ version: 7 }), 1)[0];
      copy.clientId = clientId;
      const target = (where === 'top' ? copy : copy[where]) as Record<string, unknown>;
      const keys = Object.keys(target);
      const key = keys[pick % keys.length]!;
      if (op === 'replace') target[key] = value;
      else if (op === 'delete') delete target[key];
      else if (op === 'add') target[name || 'x'] = value;
      return copy;
    });
}

describe.each(testDatabases())('sync under random input on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db, { logLevel: 'silent' }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  it('never answers 5xx and never stores an invalid row', async () => {
    const agent = await tokenFor(db, 'agent');
    const clientId = randomUUID();
    let annotationsSent = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          // whole-request garbage
          { weight: 1, arbitrary: nasty },
          { weight: 1, arbitrary: fc.record({ clientId: fc.oneof(fc.constant(clientId), nasty), annotations: fc.oneof(nasty, fc.array(nasty, { maxLength: 5 })) }) },
          // well-formed requests carrying mutated annotations
          { weight: 4, arbitrary: fc.array(mutated(clientId), { minLength: 1, maxLength: 60 }).map((annotations) => ({ clientId, annotations })) },
        ),
        async (body) => {
          if (Array.isArray((body as { annotations?: unknown })?.annotations)) annotationsSent += (body as { annotations: unknown[] }).annotations.length;
          const res = await app.inject({
            method: 'POST',
            url: '/v1/sync',
            headers: { ...agent.headers, 'content-type': 'application/json' },
            payload: JSON.stringify(body) ?? 'null',
          });
          expect(res.statusCode).toBeLessThan(500);
          if (res.statusCode === 200) {
            const { results } = SyncResponse.parse(res.json());
            expect(results).toHaveLength((body as { annotations: unknown[] }).annotations.length);
          }
        },
      ),
      { numRuns: 600 },
    );
    expect(annotationsSent).toBeGreaterThan(2000);

    // Every stored row is a valid annotation whose columns agree with its JSON.
    const { rows } = await db.query<{ id: string; type: string; body: unknown; platform: string; ticket_id: string }>(
      'SELECT id::text AS id, type, body, platform, ticket_id FROM annotations WHERE tenant_id = $1',
      [agent.tenantId],
    );
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) {
      const parsed = Annotation.safeParse(row.body);
      expect(parsed.success, JSON.stringify(row.body).slice(0, 300)).toBe(true);
      const a = parsed.data!;
      expect(row.id).toBe(a.id.toLowerCase());
      expect(row.type).toBe(a.type);
      expect([row.platform, row.ticket_id]).toEqual([a.ticket.platform, a.ticket.ticketId]);
    }
  });
});
