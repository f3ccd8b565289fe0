import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, SyncResponse } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

describe.each(testDatabases())('load shedding on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await testDb.open();
    // One request of each route at a time and no waiting: any overlap is shed.
    ({ app } = await testApp(db, { load: { suggestionsConcurrency: 1, syncConcurrency: 1, queueWaitMs: 0, retryAfterSeconds: 7 } }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  it('sheds suggestions past the cap with 503 + Retry-After, and serves the rest', async () => {
    const agent = await tokenFor(db, 'agent');
    const ask = () =>
      app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { pairwise: true, context: { platform: 'zendesk', ticketId: '1', subject: 'Refund', messages: [{ role: 'customer', text: 'I want a refund for my order' }] } } });
    const answers = await Promise.all(Array.from({ length: 6 }, ask));
    const statuses = answers.map((r) => r.statusCode);
    expect(statuses).toContain(200);
    expect(statuses).toContain(503);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    const shed = answers.find((r) => r.statusCode === 503)!;
    expect(shed.headers['retry-after']).toBe('7');
    expect(ApiError.parse(shed.json()).error.code).toBe('unavailable');
    expect((await ask()).statusCode).toBe(200); // the slot is free again
  });

  it('stores nothing of a shed sync, and its retry stores every annotation once', async () => {
    const agent = await tokenFor(db, 'agent');
    const clientId = randomUUID();
    const batches = Array.from({ length: 4 }, () => Array.from({ length: 20 }, () => makeAnnotation('relevance', clientId)));
    const send = (annotations: unknown[]) => app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations } });
    const first = await Promise.all(batches.map(send));
    const shedBatches = batches.filter((_, i) => first[i]!.statusCode === 503);
    expect(shedBatches.length).toBeGreaterThan(0);
    const count = async () => Number((await db.query<{ n: string }>('SELECT count(*)::text AS n FROM annotations WHERE tenant_id = $1', [agent.tenantId])).rows[0]!.n);
    expect(await count()).toBe(20 * (batches.length - shedBatches.length));
    for (const annotations of shedBatches) {
      const retry = await send(annotations);
      expect(retry.statusCode).toBe(200);
      expect(SyncResponse.parse(retry.json()).results.every((r) => r.status === 'stored')).toBe(true);
    }
    expect(await count()).toBe(20 * batches.length);
  });
});
