import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { testDatabases } from '../helpers/databases';

// Sync issues its statements without awaiting each and returns before they finish: the transaction
// must still commit only after all of them ran, and roll back all of them when one fails.
for (const target of testDatabases()) {
  for (const pipelined of [false, true]) {
    describe(`a transaction whose statements are not awaited (${target.name}${pipelined ? ', pipelined' : ''})`, () => {
      let db: Database;
      beforeAll(async () => {
        db = await target.open();
        await db.query('CREATE TABLE IF NOT EXISTS tx_probe (id int PRIMARY KEY)');
      });
      afterAll(async () => {
        await db.close();
        await target.cleanup();
      });

      it('commits every statement issued, in order, after fn returns', async () => {
        await db.query('DELETE FROM tx_probe');
        const answer = await db.transaction(async (tx) => {
          void tx.query('INSERT INTO tx_probe VALUES (1)');
          void tx.query('INSERT INTO tx_probe SELECT max(id) + 1 FROM tx_probe');
          return 'done';
        }, { pipelined });
        expect(answer).toBe('done');
        const { rows } = await db.query<{ id: number }>('SELECT id FROM tx_probe ORDER BY id');
        expect(rows.map((r) => r.id)).toEqual([1, 2]);
      });

      it('rolls back every statement when one of them fails after fn returned', async () => {
        await db.query('DELETE FROM tx_probe');
        await expect(
          db.transaction(async (tx) => {
            tx.query('INSERT INTO tx_probe VALUES (1)').catch(() => {});
            tx.query('INSERT INTO tx_probe VALUES (1)').catch(() => {}); // duplicate key
            tx.query('INSERT INTO tx_probe VALUES (3)').catch(() => {});
          }, { pipelined }),
        ).rejects.toThrow(/duplicate key/);
        const { rows } = await db.query('SELECT id FROM tx_probe');
        expect(rows).toEqual([]);
      });

      it('rolls back the statements already issued when fn throws', async () => {
        await db.query('DELETE FROM tx_probe');
        await expect(
          db.transaction(async (tx) => {
            void tx.query('INSERT INTO tx_probe VALUES (1)');
            throw new Error('refused');
          }, { pipelined }),
        ).rejects.toThrow('refused');
        const { rows } = await db.query('SELECT id FROM tx_probe');
        expect(rows).toEqual([]);
      });
    });
  }
}
