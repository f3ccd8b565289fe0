import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADOPTION_THRESHOLDS, type Annotation, type Impression } from '../../../lib/contract';
import { storeAnnotations } from '../../src/annotations/store';
import type { Auth } from '../../src/auth/tokens';
import type { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/open';
import { IN_MEMORY } from '../../src/db/pglite';
import { makeAnnotation } from '../helpers/annotations';
import { tokenFor } from '../helpers/app';
import { POSTGRES_URL, createPostgresDatabase, testDatabases } from '../helpers/databases';
import { insertImpression } from '../helpers/impressions';
import { suiteDatabase } from '../helpers/suite-database';

/** impression_decisions (migration 0012), which the flywheel metrics read instead of the annotations. */
const kept = async (db: Database, tenantId: string) =>
  (await db.query(`SELECT impression_id::text, outcome, slot, verdict, strength, "left", elapsed::int, good, labelled FROM impression_decisions WHERE tenant_id = $1 ORDER BY impression_id`, [tenantId])).rows;
/** The same, read afresh from the annotations. */
const recomputed = async (db: Database, tenantId: string) =>
  (
    await db.query(
      `SELECT impression_id::text, outcome, slot, verdict, strength, "left", elapsed::int, good, labelled
         FROM aitl_impression_decisions(
           ARRAY(SELECT tenant_id FROM (SELECT DISTINCT tenant_id, impression_id FROM annotations WHERE tenant_id = $1) k ORDER BY impression_id),
           ARRAY(SELECT impression_id FROM (SELECT DISTINCT tenant_id, impression_id FROM annotations WHERE tenant_id = $1) k ORDER BY impression_id))
        ORDER BY impression_id`,
      [tenantId],
    )
  ).rows;

const SIMILARITY: Record<string, number> = { as_is: 0.99, light_edit: 0.9, heavy_edit: 0.5 };

async function tenantWithImpression(db: Database) {
  const agent = await tokenFor(db, 'agent', { name: 'jane' });
  const auth: Auth = { tokenId: agent.id, tenantId: agent.tenantId, role: 'agent', name: 'jane' };
  const imp = await insertImpression(db, agent.tenantId, { createdAt: '2026-11-02T10:00:00.000Z', arms: [{ slot: 'A', armId: 'x', model: 'x-1', promptVersion: 'p-1' }, { slot: 'B', armId: 'y', model: 'y-1', promptVersion: 'p-1' }], displayOrder: ['B', 'A'] });
  const clientId = randomUUID();
  const at = (minutes: number) => new Date(Date.parse(imp.createdAt) + minutes * 60_000).toISOString();
  const base = (minutes: number) => ({ ...makeAnnotation('relevance', clientId), ticket: imp.ticket, impressionId: imp.id, createdAt: at(minutes) });
  const make = {
    adoption: (minutes: number, outcome: string, slot: 'A' | 'B') => ({ ...base(minutes), type: 'adoption', payload: { outcome, slot, similarity: SIMILARITY[outcome], thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'sent' } }) as Annotation,
    preference: (minutes: number, verdict: string, elapsedMs: number) => ({ ...base(minutes), elapsedMs, type: 'preference', payload: { verdict, ...(verdict === 'A' || verdict === 'B' ? { strength: 'clear' } : {}), shownOrder: imp.displayOrder } }) as Annotation,
    relevance: (minutes: number, articleId: string, label: string) => ({ ...base(minutes), type: 'relevance', payload: { articleId, articleVersion: 1, rank: 1, label } }) as Annotation,
  };
  const store = async (...annotations: Annotation[]) => {
    const results = await storeAnnotations(db, auth, clientId, annotations);
    expect(results).toEqual(annotations.map(() => expect.objectContaining({ status: 'stored' })));
  };
  return { tenantId: agent.tenantId, imp, make, store };
}

describe.each(testDatabases())('impression decisions on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('keep the first adoption, the latest preference and each article latest label, whatever order they arrive in', async () => {
    const { tenantId, imp, make, store } = await tenantWithImpression(suite.db);
    const [a1, a2] = [randomUUID(), randomUUID()];
    await store(make.adoption(9, 'heavy_edit', 'B'), make.relevance(3, a1, 'irrelevant'));
    expect(await kept(suite.db, tenantId)).toEqual(await recomputed(suite.db, tenantId));
    // Earlier than the send stored first: it is the first send. A later preference, then an earlier one.
    await store(make.adoption(5, 'as_is', 'A'), make.preference(20, 'A', 800));
    await store(make.preference(10, 'B', 5000), make.relevance(4, a1, 'relevant'), make.relevance(2, a2, 'partial'));
    await store(make.relevance(1, a2, 'outdated'));
    const rows = await kept(suite.db, tenantId);
    expect(rows).toEqual([{ impression_id: imp.id, outcome: 'as_is', slot: 'A', verdict: 'A', strength: 'clear', left: 'B', elapsed: 800, good: 2, labelled: 2 }]);
    expect(rows).toEqual(await recomputed(suite.db, tenantId));
  });

  it('follow annotations that are removed or changed', async () => {
    const { tenantId, imp, make, store } = await tenantWithImpression(suite.db);
    await store(make.adoption(5, 'as_is', 'A'), make.adoption(9, 'light_edit', 'B'), make.preference(10, 'tie', 100), make.relevance(3, randomUUID(), 'relevant'));
    await suite.db.query(`DELETE FROM annotations WHERE tenant_id = $1 AND type = 'adoption' AND outcome = 'as_is'`, [tenantId]);
    expect((await kept(suite.db, tenantId))[0]).toMatchObject({ outcome: 'light_edit', slot: 'B', good: 1, labelled: 1 });
    await suite.db.query(`UPDATE annotations SET label = 'irrelevant' WHERE tenant_id = $1 AND type = 'relevance'`, [tenantId]);
    expect((await kept(suite.db, tenantId))[0]).toMatchObject({ good: 0, labelled: 1 });
    await suite.db.query(`DELETE FROM annotations WHERE tenant_id = $1`, [tenantId]);
    // As an impression no one annotated counts: nothing adopted, preferred or labelled.
    expect(await kept(suite.db, tenantId)).toEqual([{ impression_id: imp.id, outcome: null, slot: null, verdict: null, strength: null, left: null, elapsed: null, good: 0, labelled: 0 }]);
  });
});

describe.runIf(POSTGRES_URL)('impression decisions under concurrent writers (postgres)', () => {
  let created: { url: string; drop(): Promise<void> };
  let db: Database;
  beforeAll(async () => {
    created = await createPostgresDatabase(POSTGRES_URL!);
    db = await openDatabase({ databaseUrl: created.url, dataDir: IN_MEMORY });
  });
  afterAll(async () => {
    await db.close();
    await created.drop();
  });

  it('count both writers when a second writes to the same impression while the first has not committed', async () => {
    const { tenantId, make, store } = await tenantWithImpression(db);
    await store(make.relevance(1, randomUUID(), 'relevant'));
    // A label for a new article, copied from the one stored, in a transaction of its own.
    const copy = (label: string) =>
      `INSERT INTO annotations (tenant_id, id, type, schema_version, agent, token_id, client_id, platform, ticket_id, impression_id, created_at, body, article_id, article_version, label)
       SELECT tenant_id, gen_random_uuid(), type, schema_version, agent, token_id, client_id, platform, ticket_id, impression_id, created_at, body, gen_random_uuid(), 1, '${label}'
         FROM annotations WHERE tenant_id = $1 LIMIT 1`;
    const [first, second] = [new pg.Client({ connectionString: created.url }), new pg.Client({ connectionString: created.url })];
    await Promise.all([first.connect(), second.connect()]);
    try {
      await first.query('BEGIN');
      await first.query(copy('partial'), [tenantId]);
      await second.query('BEGIN');
      // Waits for the first writer's lock on the impression's decisions, then reads the annotations afresh.
      const secondDone = second.query(copy('irrelevant'), [tenantId]).then(() => second.query('COMMIT'));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query('COMMIT');
      await secondDone;
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
    expect((await kept(db, tenantId))[0]).toMatchObject({ good: 2, labelled: 3 });
    expect(await kept(db, tenantId)).toEqual(await recomputed(db, tenantId));
  });
});
