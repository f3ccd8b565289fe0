import { describe, expect, it } from 'vitest';
import { IN_MEMORY, openPglite } from '../../src/db/pglite';

/** Counts turns of the event loop (setImmediate callbacks) until stopped. */
function loopTurns() {
  let turns = 0;
  let on = true;
  const tick = () => {
    if (!on) return;
    turns++;
    setImmediate(tick);
  };
  setImmediate(tick);
  return { get turns() { return turns; }, stop: () => void (on = false) };
}

describe('PGlite and the event loop', () => {
  it('gives the loop turns during a long chain of statements, but not one per statement', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      const statements = 400;
      const loop = loopTurns();
      for (let i = 0; i < statements; i++) await db.query('SELECT $1::int AS n', [i]);
      loop.stop();
      expect(loop.turns).toBeGreaterThan(0); // new connections could be accepted and shed meanwhile
      expect(loop.turns).toBeLessThan(statements / 2); // but statements do not each wait a turn
    } finally {
      await db.close();
    }
  });

  it('never gives up the loop between the statements of a transaction, which holds the database for all', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      await db.exec('CREATE TABLE t (n int)');
      let turnsInside = -1;
      await db.transaction(async (tx) => {
        const loop = loopTurns();
        for (let i = 0; i < 100; i++) await tx.query('INSERT INTO t VALUES ($1)', [i]);
        turnsInside = loop.turns;
        loop.stop();
      });
      expect(turnsInside).toBe(0);
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM t')).rows[0]!.n).toBe(100);
    } finally {
      await db.close();
    }
  });
});
