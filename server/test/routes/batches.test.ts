import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBatch } from '../../src/batches/build/build-batch';
import type { Database } from '../../src/db/database';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { Flywheel } from '../helpers/flywheel';
import { OPTS } from '../helpers/batches';

describe.each(testDatabases())('the batches API on $name', (testDb) => {
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

  const operatorOf = (fw: Flywheel) => tokenFor(db, 'operator', { tenant: fw.tenantId, name: 'ml-team' });

  it('serves batches only to operators of their own tenant', async () => {
    const fw = await Flywheel.create(db);
    await buildBatch(db, fw.tenantId, {}, OPTS);
    const mine = await operatorOf(fw);
    const stranger = await tokenFor(db, 'operator');
    const agent = await tokenFor(db, 'agent', { tenant: fw.tenantId });
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1', headers: mine.headers })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1', headers: stranger.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1/files/sft.jsonl', headers: stranger.headers })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/v1/batches', headers: agent.headers })).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/abc', headers: mine.headers })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/1/files/secrets.txt', headers: mine.headers })).statusCode).toBe(404);
  });
});
