import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

describe.each(testDatabases())('rate limits on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });


  it('answers 429 with Retry-After and RateLimit headers once a token spends its budget', async () => {
    const limited = await testApp(db, { rateLimitPerMinute: 3 });
    try {
      const agent = await tokenFor(db, 'agent');
      const other = await tokenFor(db, 'agent');
      const clientId = randomUUID();
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 4; i++) {
        last = await limited.app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations: [makeAnnotation('relevance', clientId)] } });
        statuses.push(last.statusCode);
        expect(last.headers['ratelimit-limit']).toBe('3');
        expect(last.headers['ratelimit-remaining']).toBeDefined();
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
      expect(ApiError.parse(last!.json()).error.code).toBe('rate_limited');
      // The budget is per token: another agent is unaffected.
      const otherClient = randomUUID();
      const res = await limited.app.inject({ method: 'POST', url: '/v1/sync', headers: other.headers, payload: { clientId: otherClient, annotations: [makeAnnotation('relevance', otherClient)] } });
      expect(res.statusCode).toBe(200);
    } finally {
      await limited.app.close();
    }
  });

});
