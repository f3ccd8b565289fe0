import { describe, expect, it } from 'vitest';
import type { Database, Sql } from '../../src/db/database';
import { Reranker, readRerankerWeights } from '../../src/knowledge/reranker';
import { ModelServing } from '../../src/models/serving';
import { insertModelVersion, promote, rollback } from '../../src/models/store';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

/** A replica's view of what serves: the generation side of its ModelServing. */
const replica = (ttlMs: number) => new ModelServing(new Reranker(readRerankerWeights()), ttlMs);
const generationOn = async (serving: ModelServing, db: Sql, tenantId: string) => (await serving.forTenant(db, tenantId)).generation;

const DEFAULTS = { retriever: 'bm25f-0', reranker: 'rerank-0', champion: 'champion-0', examples: 'ex0' };

describe.each(testDatabases())('what serves generation, as a replica reads it, on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('sees a promotion within its TTL on every replica, without a restart, and a rollback the same way', async () => {
    const { tenantId } = await Flywheel.create(suite.db);
    const replicaA = replica(300);
    const replicaB = replica(300);
    expect(await generationOn(replicaA, suite.db, tenantId)).toEqual({ champion: null, championVersion: null, examples: null });

    await insertModelVersion(suite.db, tenantId, { version: 'champion-1', kind: 'champion', turn: 1, artefact: { armId: 'gpt-support' }, trainedOn: {} });
    await insertModelVersion(suite.db, tenantId, { version: 'ex1', kind: 'examples', turn: 1, artefact: { count: 0 }, trainedOn: {} });
    await promote(suite.db, tenantId, 'champion-1', { actor: 'test', reason: 'better', turn: 1 });
    await promote(suite.db, tenantId, 'ex1', { actor: 'test', reason: 'new set', turn: 1 });

    // A replica that read just before keeps its answer until the TTL runs out; one that had not read sees it at once.
    expect((await generationOn(replicaA, suite.db, tenantId)).champion).toBeNull();
    expect(await generationOn(replicaB, suite.db, tenantId)).toEqual({ champion: 'gpt-support', championVersion: 'champion-1', examples: 'ex1' });
    await new Promise((r) => setTimeout(r, 350));
    expect(await generationOn(replicaA, suite.db, tenantId)).toEqual({ champion: 'gpt-support', championVersion: 'champion-1', examples: 'ex1' });

    // Rolled back to the shipped default: its row names no arm, so the first configured arm serves again.
    await rollback(suite.db, tenantId, { actor: 'test', reason: 'worse online' }, DEFAULTS, ['champion']);
    await new Promise((r) => setTimeout(r, 350));
    expect(await generationOn(replicaA, suite.db, tenantId)).toEqual({ champion: null, championVersion: 'champion-0', examples: 'ex1' });
  });

  it('shares one read between concurrent suggestions of a tenant', async () => {
    const { tenantId } = await Flywheel.create(suite.db);
    let reads = 0;
    const counting: Sql = { query: (text, params) => (reads++, suite.db.query(text, params)), exec: (script) => suite.db.exec(script) };
    const reader = replica(5_000);
    await Promise.all(Array.from({ length: 20 }, () => generationOn(reader, counting, tenantId)));
    expect(reads).toBe(1);
  });
});
