import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, type Annotation } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { makeAnnotation, makeAnnotations } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

describe.each(testDatabases())('request limits and failures on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let logs: string[];

  beforeAll(async () => {
    db = await testDb.open();
    ({ app, logs } = await testApp(db));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const sync = (headers: Record<string, string>, payload: unknown) =>
    app.inject({ method: 'POST', url: '/v1/sync', headers, payload: payload as object });

  async function rowsFor(tenantId: string) {
    const { rows } = await db.query<{ id: string; type: string; agent: string; body: Annotation; outcome: string | null; label: string | null }>(
      'SELECT id::text AS id, type, agent, body, outcome, label FROM annotations WHERE tenant_id = $1 ORDER BY seq',
      [tenantId],
    );
    return rows;
  }

  it('answers 413 for a body over the limit and stores nothing', async () => {
    const small = await testApp(db, { bodyLimit: 64 * 1024 });
    try {
      const agent = await tokenFor(db, 'agent');
      const clientId = randomUUID();
      const res = await small.app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations: makeAnnotations(200, clientId) } });
      expect(res.statusCode).toBe(413);
      expect(ApiError.parse(res.json()).error.code).toBe('payload_too_large');
      expect(await rowsFor(agent.tenantId)).toHaveLength(0);
    } finally {
      await small.app.close();
    }
  });

  it('never writes the bearer token to the logs and tags every line with a request id', async () => {
    const agent = await tokenFor(db, 'agent');
    const clientId = randomUUID();
    const res = await sync({ ...agent.headers, 'x-request-id': 'req-abc.123' }, { clientId, annotations: [makeAnnotation('relevance', clientId)] });
    expect(res.headers['x-request-id']).toBe('req-abc.123');
    await sync({ authorization: `Bearer ${agent.token}x` }, {}); // a 401 is logged too
    const text = logs.join('');
    expect(text).toContain('req-abc.123');
    expect(text).not.toContain(agent.token);
    expect(text).not.toContain(agent.token.slice(11));
  });

  it('answers 5xx without leaking the cause when the database fails, and 503 when it is unreachable', async () => {
    const failing: Database = {
      ...db,
      transaction: async () => {
        throw new Error('relation "secret_internal_table" does not exist');
      },
    };
    const broken = await testApp(failing);
    const unreachable = await testApp({
      ...db,
      transaction: async () => {
        throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
      },
    });
    try {
      const agent = await tokenFor(db, 'agent');
      const clientId = randomUUID();
      const payload = { clientId, annotations: [makeAnnotation('relevance', clientId)] };
      const res = await broken.app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('secret_internal_table');
      expect(ApiError.parse(res.json()).error).toMatchObject({ code: 'internal', requestId: res.headers['x-request-id'] });
      expect(broken.logs.join('')).toContain('secret_internal_table'); // the operator still sees why

      const down = await unreachable.app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload });
      expect(down.statusCode).toBe(503);
      expect(down.headers['retry-after']).toBeDefined();
      expect(down.body).not.toContain('10.0.0.5');
    } finally {
      await broken.app.close();
      await unreachable.app.close();
    }
  });

});
