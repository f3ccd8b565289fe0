import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/open';
import { startJudgeSchedule } from '../../src/judge/judge-schedule';
import type { JudgeRunSummary } from '../../src/judge/run-judge';
import { tokenFor } from '../helpers/app';
import { createPostgresDatabase, POSTGRES_URL } from '../helpers/databases';
import { IN_MEMORY } from '../../src/db/pglite';
import { judgeConfig, seedImpression, startFakeJudge, ticketIds } from './judge-fixtures';

const quietLog = { info: () => {}, error: (obj: object, msg: string) => console.error(msg, obj) };

/** Two replicas' database handles: on Postgres two connection pools to one database; PGlite is one process's. */
const targets = [
  {
    name: 'pglite',
    async open() {
      const db = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
      return { db, replica2: db, cleanup: () => db.close() };
    },
  },
  ...(POSTGRES_URL
    ? [
        {
          name: 'postgres',
          async open() {
            const created = await createPostgresDatabase(POSTGRES_URL!);
            const db = await openDatabase({ databaseUrl: created.url, dataDir: IN_MEMORY });
            const replica2 = await openDatabase({ databaseUrl: created.url, dataDir: IN_MEMORY });
            return { db, replica2, cleanup: async () => (await Promise.all([db.close(), replica2.close()]), await created.drop()) };
          },
        },
      ]
    : []),
];

describe.each(targets)('AITL_JUDGE_EVERY on $name', (target) => {
  let db: Database;
  let replica2: Database;
  let cleanup: () => Promise<unknown>;
  let judge: Awaited<ReturnType<typeof startFakeJudge>>;
  const tenants: string[] = [];

  beforeAll(async () => {
    ({ db, replica2, cleanup } = await target.open());
    judge = await startFakeJudge();
    const ids = ticketIds(4, true);
    for (let t = 0; t < 2; t++) {
      const { tenantId } = await tokenFor(db, 'operator');
      tenants.push(tenantId);
      for (const id of ids.slice(t * 2, t * 2 + 2)) await seedImpression(db, tenantId, id, `${id} [score 4]`, `${id} [score 2]`);
    }
  }, 60_000);

  afterAll(async () => {
    await judge?.close();
    await cleanup?.();
  });

  it('two replicas run one pass per tenant and period, not two', async () => {
    const passes: JudgeRunSummary[] = [];
    const config = { ...judgeConfig(judge.url), everyMs: 3_600_000 };
    const a = startJudgeSchedule(db, config, quietLog, { tickMs: 20, onPass: (s) => passes.push(s) });
    const b = startJudgeSchedule(replica2, config, quietLog, { tickMs: 20, onPass: (s) => passes.push(s) });
    try {
      await expect.poll(() => passes.filter((p) => tenants.includes(p.tenant)).length, { timeout: 20_000 }).toBe(2);
      await new Promise((r) => setTimeout(r, 500)); // many more ticks: nothing else may start
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const mine = passes.filter((p) => tenants.includes(p.tenant));
    expect(mine.map((p) => p.tenant).sort()).toEqual([...tenants].sort());
    expect(mine.every((p) => p.scored === 4 && p.failed === 0)).toBe(true);
    const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM judge_runs WHERE tenant_id = ANY($1)`, [tenants]);
    expect(rows[0]!.n).toBe(2);
    // Each reply was asked about once.
    expect(judge.requests.length).toBe(8);
  }, 60_000);
});
