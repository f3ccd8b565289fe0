import { describe, expect, it } from 'vitest';
import { buildBatch } from '../../src/batches/build/build-batch';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';
import { OPTS } from '../helpers/batches';

describe.each(testDatabases())('the batches API on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const operatorOf = (fw: Flywheel) => tokenFor(suite.db, 'operator', { tenant: fw.tenantId, name: 'ml-team' });

  it('serves batches only to operators of their own tenant', async () => {
    const fw = await Flywheel.create(suite.db);
    await buildBatch(suite.db, fw.tenantId, {}, OPTS);
    const mine = await operatorOf(fw);
    const stranger = await tokenFor(suite.db, 'operator');
    const agent = await tokenFor(suite.db, 'agent', { tenant: fw.tenantId });
    expect((await suite.app.inject({ method: 'GET', url: '/v1/batches/1', headers: mine.headers })).statusCode).toBe(200);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/batches/1', headers: stranger.headers })).statusCode).toBe(404);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/batches/1/files/sft.jsonl', headers: stranger.headers })).statusCode).toBe(404);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/batches', headers: agent.headers })).statusCode).toBe(403);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/batches/abc', headers: mine.headers })).statusCode).toBe(400);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/batches/1/files/secrets.txt', headers: mine.headers })).statusCode).toBe(404);
  });
});
