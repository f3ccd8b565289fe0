import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchDetail, BatchList } from '../../../lib/contract';
import { buildBatch, startBatchBuild } from '../../src/batches/build/build-batch';
import { BatchBuildBusyError, acquireBuildLease } from '../../src/batches/lease';
import type { Database } from '../../src/db/database';
import { testApp, tokenFor } from '../helpers/app';
import { openDatabase } from '../../src/db/open';
import { IN_MEMORY } from '../../src/db/pglite';
import { POSTGRES_URL, createPostgresDatabase, testDatabases } from '../helpers/databases';
import { Flywheel } from '../helpers/flywheel';
import { OPTS, twoArmTicket as ticket } from '../helpers/batches';

describe.each(testDatabases())('one batch build per tenant on $name', (testDb) => {
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

  it('refuses a second build of the same tenant while one runs, and takes over a dead build lease', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    const imp = await ticket(fw, 1, [art]);
    await fw.sync(fw.adoption(imp, 'discarded', 'I refunded it myself, you will see it on Friday.'));

    // A build in progress elsewhere (another replica) holds the lease.
    const elsewhere = await acquireBuildLease(db, fw.tenantId, 'replica-b', 60);
    await expect(startBatchBuild(db, fw.tenantId, {}, OPTS)).rejects.toBeInstanceOf(BatchBuildBusyError);
    const res = await app.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.message).toContain('is being built');
    // Its half-built batch is not listed.
    expect(BatchList.parse((await app.inject({ method: 'GET', url: '/v1/batches', headers: op.headers })).json()).batches).toEqual([]);

    // That replica dies: its lease runs out, the next build takes over and reuses the number.
    await db.query(`UPDATE batch_build_leases SET expires_at = now() - interval '1 second' WHERE tenant_id = $1`, [fw.tenantId]);
    const started = await app.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} });
    expect(started.statusCode).toBe(202);
    expect(started.headers.location).toBe(`/v1/batches/${elsewhere.number}`);
    let detail;
    for (let i = 0; i < 100; i++) {
      detail = BatchDetail.parse((await app.inject({ method: 'GET', url: `/v1/batches/${elsewhere.number}`, headers: op.headers })).json());
      if (detail.batch.status === 'complete') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(detail!.batch.status).toBe('complete');
    expect(detail!.manifest!.files.find((x) => x.name === 'sft.jsonl')!.rows).toBe(1);
    // The dead replica's lease is gone: it cannot complete its batch any more.
    expect(await elsewhere.renew()).toBe(false);
  });

  it('throws a failed build away and frees the tenant for the next one', async () => {
    const fw = await Flywheel.create(db);
    const op = await operatorOf(fw);
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    await fw.sync(fw.adoption(await ticket(fw, 1, [art]), 'discarded', 'Refunded by hand.'));
    const cancelled = new AbortController();
    cancelled.abort();
    await expect(buildBatch(db, fw.tenantId, {}, { ...OPTS, signal: cancelled.signal })).rejects.toThrow('cancelled');
    const left = await db.query('SELECT 1 FROM batches WHERE tenant_id = $1 UNION ALL SELECT 1 FROM batch_build_leases WHERE tenant_id = $1', [fw.tenantId]);
    expect(left.rows).toEqual([]);
    expect((await buildBatch(db, fw.tenantId, {}, OPTS)).number).toBe(1);
    expect((await app.inject({ method: 'GET', url: '/v1/batches/2', headers: op.headers })).statusCode).toBe(404);
  });

});

describe.runIf(POSTGRES_URL)('retraining batches with two replicas on one Postgres', () => {
  let pgdb: { url: string; drop(): Promise<void> };
  let dbs: Database[] = [];
  let apps: FastifyInstance[] = [];

  beforeAll(async () => {
    pgdb = await createPostgresDatabase(POSTGRES_URL!);
    dbs = [await openDatabase({ databaseUrl: pgdb.url, dataDir: IN_MEMORY }), await openDatabase({ databaseUrl: pgdb.url, dataDir: IN_MEMORY })];
    apps = [(await testApp(dbs[0]!)).app, (await testApp(dbs[1]!)).app];
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const db of dbs) await db.close();
    await pgdb?.drop();
  });

  it('refuses a build on one replica while another builds, and serves a file built by the other', async () => {
    const [a, b] = apps as [FastifyInstance, FastifyInstance];
    const fw = await Flywheel.create(dbs[0]!);
    const op = await tokenFor(dbs[0]!, 'operator', { tenant: fw.tenantId });
    const art = await fw.article('Refunds', 'Refunds within 14 days.');
    for (let n = 0; n < 6; n++) {
      const imp = await fw.impression({ ticketId: `R${n}`, customer: `Refund order ${n} please`, arms: { A: `Refunded order ${n}.` }, articles: [art] });
      await fw.sync(fw.adoption(imp, 'discarded', `I refunded order ${n} and emailed the receipt.`));
    }
    const held = await acquireBuildLease(dbs[0]!, fw.tenantId, 'replica-a', 60);
    expect((await b.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} })).statusCode).toBe(409);
    await held.release();

    expect((await a.inject({ method: 'POST', url: '/v1/batches', headers: op.headers, payload: {} })).statusCode).toBe(202);
    let status = 'building';
    for (let i = 0; i < 100 && status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = BatchDetail.parse((await b.inject({ method: 'GET', url: `/v1/batches/${held.number}`, headers: op.headers })).json()).batch.status;
    }
    expect(status).toBe('complete');
    const fromA = await a.inject({ method: 'GET', url: `/v1/batches/${held.number}/files/sft.jsonl`, headers: op.headers });
    const fromB = await b.inject({ method: 'GET', url: `/v1/batches/${held.number}/files/sft.jsonl`, headers: op.headers });
    expect(fromB.statusCode).toBe(200);
    expect(fromB.body.trimEnd().split('\n')).toHaveLength(6);
    expect(fromB.rawPayload.equals(fromA.rawPayload)).toBe(true);
    expect(fromB.headers['x-aitl-sha256']).toBe(fromA.headers['x-aitl-sha256']);
  });
});
