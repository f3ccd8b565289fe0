import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database, Sql } from '../../src/db/database';
import { ServedChampionReader } from '../../src/models/served-champion';
import { insertModelVersion, promote, rollback } from '../../src/models/store';
import { testDatabases } from '../helpers/databases';
import { Flywheel } from '../helpers/flywheel';

const DEFAULTS = { retriever: 'bm25f-0', reranker: 'rerank-0', champion: 'champion-0', examples: 'ex0' };

describe.each(testDatabases())('what serves generation, as a replica reads it, on $name', (testDb) => {
  let db: Database;

  beforeAll(async () => {
    db = await testDb.open();
  });
  afterAll(async () => {
    await db?.close();
    await testDb.cleanup();
  });

  it('sees a promotion within its TTL on every replica, without a restart, and a rollback the same way', async () => {
    const { tenantId } = await Flywheel.create(db);
    const replicaA = new ServedChampionReader(300);
    const replicaB = new ServedChampionReader(300);
    expect(await replicaA.read(db, tenantId)).toEqual({ champion: null, championVersion: null, examples: null });

    await insertModelVersion(db, tenantId, { version: 'champion-1', kind: 'champion', turn: 1, artefact: { armId: 'gpt-support' }, trainedOn: {} });
    await insertModelVersion(db, tenantId, { version: 'ex1', kind: 'examples', turn: 1, artefact: { count: 0 }, trainedOn: {} });
    await promote(db, tenantId, 'champion-1', { actor: 'test', reason: 'better', turn: 1 });
    await promote(db, tenantId, 'ex1', { actor: 'test', reason: 'new set', turn: 1 });

    // A replica that read just before keeps its answer until the TTL runs out; one that had not read sees it at once.
    expect((await replicaA.read(db, tenantId)).champion).toBeNull();
    expect(await replicaB.read(db, tenantId)).toEqual({ champion: 'gpt-support', championVersion: 'champion-1', examples: 'ex1' });
    await new Promise((r) => setTimeout(r, 350));
    expect(await replicaA.read(db, tenantId)).toEqual({ champion: 'gpt-support', championVersion: 'champion-1', examples: 'ex1' });

    // Rolled back to the shipped default: its row names no arm, so the first configured arm serves again.
    await rollback(db, tenantId, { actor: 'test', reason: 'worse online' }, DEFAULTS, ['champion']);
    await new Promise((r) => setTimeout(r, 350));
    expect(await replicaA.read(db, tenantId)).toEqual({ champion: null, championVersion: 'champion-0', examples: 'ex1' });
  });

  it('shares one read between concurrent suggestions of a tenant', async () => {
    const { tenantId } = await Flywheel.create(db);
    let reads = 0;
    const counting: Sql = { query: (text, params) => (reads++, db.query(text, params)), exec: (script) => db.exec(script) };
    const reader = new ServedChampionReader(5_000);
    await Promise.all(Array.from({ length: 20 }, () => reader.read(counting, tenantId)));
    expect(reads).toBe(1);
  });
});
