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

    it('plans every metrics statement as index lookups per impression even with no statistics at all', async () => {
      // As PGlite always is: on this test's own Postgres database, autovacuum must not analyse behind our back.
      if (db.kind === 'postgres') for (const table of ['annotations', 'impressions']) await db.query(`ALTER TABLE ${table} SET (autovacuum_enabled = false)`);
      await seedMetricsTenant(db, 'plans', 400);
      const statements: [string, unknown[]][] = [];
      const recording = { query: (sql: string, params: unknown[] = []) => (statements.push([sql, params]), db.query(sql, params)) } as Database;
      const to = new Date();
      await flywheelMetrics(recording, 'plans', { from: new Date(to.getTime() - 84 * 86_400_000), to, tooFastMs: 1500 });
      const annotationStatements = statements.filter(([sql]) => /FROM annotations/.test(sql));
      expect(annotationStatements.length).toBeGreaterThanOrEqual(1);
      for (const [sql, params] of annotationStatements) {
        const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${sql}`, params);
        const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
        // Every read of annotations names the impression: no scan of a tenant's annotations of a type.
        expect(plan, sql).toMatch(/annotations_impression_type_idx/);
        expect(plan, sql).not.toMatch(/annotations_type_idx|Seq Scan on annotations/);
      }
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
