import { connect } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

describe.each(testDatabases())('rate limits on $name', (testDb) => {
  const suite = suiteApp(testDb);


  it('answers 429 with Retry-After and RateLimit headers once a token spends its budget', async () => {
    const limited = await testApp(suite.db, { rateLimitPerMinute: 3 });
    try {
      const agent = await tokenFor(suite.db, 'agent');
      const other = await tokenFor(suite.db, 'agent');
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

// CI runs Redis (see .ci/run); elsewhere the test says it is skipped rather than failing.
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(REDIS_URL);
  const socket = connect({ host: hostname, port: Number(port || 6379) });
  socket.setTimeout(1000);
  socket.once('connect', () => (socket.end(), resolve(true)));
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => (socket.destroy(), resolve(false)));
});
if (!redisUp) console.warn(`Redis is not reachable at ${REDIS_URL}: the shared rate-limit test is skipped (set TEST_REDIS_URL)`);

describe.skipIf(!redisUp)('rate limits shared through Redis (AITL_RATE_LIMIT_REDIS_URL)', () => {
  let db: Database;
  beforeAll(async () => {
    db = await testDatabases()[0]!.open();
  });
  afterAll(async () => {
    await db?.close();
  });

  it('two app instances (replicas) spend one token budget between them', async () => {
    const first = await testApp(db, { rateLimitPerMinute: 4, rateLimitRedisUrl: REDIS_URL });
    const second = await testApp(db, { rateLimitPerMinute: 4, rateLimitRedisUrl: REDIS_URL });
    try {
      const agent = await tokenFor(db, 'agent');
      const clientId = randomUUID();
      const sync = (app: FastifyInstance) =>
        app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations: [makeAnnotation('relevance', clientId)] } });
      const statuses: number[] = [];
      for (const app of [first.app, second.app, first.app, second.app, first.app, second.app]) statuses.push((await sync(app)).statusCode);
      // Four requests in all, whichever replica served them; each alone would have admitted six.
      expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
      const other = await tokenFor(db, 'agent');
      const otherClient = randomUUID();
      const res = await second.app.inject({ method: 'POST', url: '/v1/sync', headers: other.headers, payload: { clientId: otherClient, annotations: [makeAnnotation('relevance', otherClient)] } });
      expect(res.statusCode).toBe(200);
    } finally {
      await first.app.close();
      await second.app.close();
    }
  });
});
