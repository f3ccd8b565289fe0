import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { keepStatisticsFresh, refreshStatistics, staleTables } from '../../src/db/planner-statistics';
import { flywheelMetrics } from '../../src/metrics/flywheel';
import { testDatabases } from '../helpers/databases';
import { seedMetricsTenant } from '../../../bench/metrics-seed';

for (const target of testDatabases()) {
  describe(`planner statistics (${target.name})`, () => {
    let db: Database;
    beforeAll(async () => {
      db = await target.open();
    });
    afterAll(async () => {
      await db.close();
      await target.cleanup();
    });

    it('plans the metrics and the decisions kept for them without a scan per impression, even with no statistics at all', async () => {
      // As PGlite always is: on this test's own Postgres database, autovacuum must not analyse behind our back.
      if (db.kind === 'postgres') for (const table of ['annotations', 'impressions', 'impression_decisions']) await db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
      await seedMetricsTenant(db, 'plans', 400);
      const statements: [string, unknown[]][] = [];
      const recording = { query: (sql: string, params: unknown[] = []) => (statements.push([sql, params]), db.query(sql, params)) } as Database;
      const to = new Date();
      await flywheelMetrics(recording, 'plans', { from: new Date(to.getTime() - 84 * 86_400_000), to, tooFastMs: 1500 });
      // The flywheel reads each impression's decisions (migration 0012), not its annotations.
      const flywheel = statements.filter(([sql]) => /impression_decisions/.test(sql));
      expect(flywheel).toHaveLength(1);
      expect(statements.filter(([sql]) => /FROM annotations/.test(sql))).toEqual([]);
      const plan = async (sql: string, params: unknown[]) => (await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params)).rows.map((r) => r['QUERY PLAN']).join('\n');
      const [sql, params] = flywheel[0]!;
      // A primary-key look-up per impression; never a scan of the tenant's decisions per impression.
      const flywheelPlan = await plan(sql, params);
      expect(flywheelPlan).toMatch(/Index Scan using impression_decisions_pkey/);
      expect(flywheelPlan).not.toMatch(/Seq Scan on impression_decisions|Bitmap Heap Scan on impression_decisions/);

      // What the trigger on annotations runs for the impressions a write touched: one look-up of each impression's annotations.
      const { rows } = await db.query<{ tenant_id: string; impression_id: string }>(`SELECT tenant_id, impression_id::text FROM impression_decisions WHERE tenant_id = 'plans' LIMIT 3`);
      const refresh = await plan('SELECT * FROM aitl_impression_decisions($1::text[], $2::uuid[])', [rows.map((r) => r.tenant_id), rows.map((r) => r.impression_id)]);
      expect(refresh).toMatch(/annotations_impression_type_idx/);
      expect(refresh).not.toMatch(/annotations_type_idx|Seq Scan on annotations/);
    });

    it('analyses a table never analysed, then again only once it has grown by a fifth', async () => {
      await db.query('CREATE TABLE growth (id int, pad text)');
      await db.query(`INSERT INTO growth SELECT g, repeat('x', 200) FROM generate_series(1, 2000) g`);
      expect(await staleTables(db)).toContain('growth');
      expect(await refreshStatistics(db)).toContain('growth');
      expect(await staleTables(db)).not.toContain('growth');
      const { rows } = await db.query<{ reltuples: number }>(`SELECT reltuples FROM pg_class WHERE relname = 'growth'`);
      expect(rows[0]!.reltuples).toBeGreaterThan(1500);

      await db.query(`INSERT INTO growth SELECT g, repeat('x', 200) FROM generate_series(1, 100) g`);
      expect(await staleTables(db)).not.toContain('growth');
      await db.query(`INSERT INTO growth SELECT g, repeat('x', 200) FROM generate_series(1, 1000) g`);
      expect(await staleTables(db)).toContain('growth');
    });

    it('keeps them fresh on a timer and stops cleanly', async () => {
      await db.query(`INSERT INTO growth SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g`);
      const analysed: string[][] = [];
      const errors: unknown[] = [];
      const keeper = keepStatisticsFresh(db, { intervalMs: 20, onError: (e) => errors.push(e), onAnalysed: (t) => analysed.push(t) });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await keeper.stop();
      expect(errors).toEqual([]);
      expect(analysed.flat()).toContain('growth');
      expect(await staleTables(db)).not.toContain('growth');
    });
  });
}
