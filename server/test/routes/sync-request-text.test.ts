import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SyncResponse } from '../../../lib/contract';
import { makeAnnotation } from '../helpers/annotations';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

// On Postgres, sync stores the annotations from the request's own text (Postgres reads every
// column from it). Text that JavaScript and Postgres read differently must store what the
// contract parsed; PGlite gets the encoded rows, and must store the same.
describe.each(testDatabases())('POST /v1/sync from the request text on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const syncText = async (headers: Record<string, string>, text: string) => {
    const res = await suite.app.inject({ method: 'POST', url: '/v1/sync', headers: { ...headers, 'content-type': 'application/json' }, payload: text });
    expect(res.statusCode, res.body).toBe(200);
    return SyncResponse.parse(res.json()).results;
  };

  it('stores an annotation whose integers are written as decimals, which Postgres will not cast', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const relevance = makeAnnotation('relevance', clientId);
    const adoption = makeAnnotation('adoption', clientId);
    // `3.0` is the integer 3 to JSON.parse, and not an int to Postgres.
    const text = `{"clientId":"${clientId}","annotations":[${JSON.stringify(relevance).replace('"articleVersion":3', '"articleVersion":3.0')},${JSON.stringify(adoption)}]}`;
    expect(text).toContain('"articleVersion":3.0');
    const results = await syncText(agent.headers, text);
    expect(results.map((r) => r.status)).toEqual(['stored', 'stored']);
    const { rows } = await suite.db.query<{ id: string; article_version: number | null; similarity: number | null; body: unknown }>(
      'SELECT id::text AS id, article_version, similarity, body FROM annotations WHERE tenant_id = $1 ORDER BY seq',
      [agent.tenantId],
    );
    expect(rows.map((r) => [r.id, r.article_version, r.similarity])).toEqual([[relevance.id, 3, null], [adoption.id, null, 0.62]]);
    expect(rows.map((r) => r.body)).toEqual([relevance, adoption]);
  });

  it('calls a retry a duplicate however its text spells the same values, and a change a conflict', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const a = makeAnnotation('adoption', clientId);
    // Spaced out, a number with digits past a double's, and letters as \u escapes.
    const spelled = JSON.stringify(a, null, 2)
      .replace('"similarity": 0.62', '"similarity": 0.62000000000000000001')
      .replace('"heavy_edit"', '"heavy\\u005fedit"');
    expect(JSON.parse(spelled)).toEqual(a);
    expect((await syncText(agent.headers, `{"clientId":"${clientId}","annotations":[${spelled}]}`))[0]!.status).toBe('stored');

    const again = await syncText(agent.headers, JSON.stringify({ clientId, annotations: [a, { ...a, elapsedMs: a.elapsedMs! + 1 }] }));
    expect(again.map((r) => r.status)).toEqual(['duplicate', 'conflict']);
    const { rows } = await suite.db.query<{ outcome: string; similarity: number }>('SELECT outcome, similarity FROM annotations WHERE tenant_id = $1', [agent.tenantId]);
    expect(rows).toEqual([{ outcome: 'heavy_edit', similarity: 0.62 }]);
  });

  it('stores the valid annotations beside an item Postgres cannot parse, and a report beside them', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const good = makeAnnotation('relevance', clientId);
    const report = makeAnnotation('missing_knowledge', clientId);
    // A lone surrogate: JSON.parse takes it, jsonb refuses the whole text; the item is rejected.
    const text = `{"clientId":"${clientId}","annotations":[${JSON.stringify(good)},{"id":"x","note":"\\ud800"},${JSON.stringify(report)}]}`;
    const results = await syncText(agent.headers, text);
    expect(results.map((r) => r.status)).toEqual(['stored', 'rejected', 'stored']);
    const { rows } = await suite.db.query<{ id: string }>('SELECT id::text AS id FROM annotations WHERE tenant_id = $1 ORDER BY seq', [agent.tenantId]);
    expect(rows.map((r) => r.id)).toEqual([good.id, report.id]);
  });

  it('stores the valid annotations beside an item nested deeper than Postgres parses', async () => {
    const agent = await tokenFor(suite.db, 'agent');
    const clientId = randomUUID();
    const good = makeAnnotation('adoption', clientId);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const results = await syncText(agent.headers, `{"clientId":"${clientId}","annotations":[${deep},${JSON.stringify(good)}]}`);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'stored']);
    const { rows } = await suite.db.query<{ id: string }>('SELECT id::text AS id FROM annotations WHERE tenant_id = $1', [agent.tenantId]);
    expect(rows.map((r) => r.id)).toEqual([good.id]);
  });
});
