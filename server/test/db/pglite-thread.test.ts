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

// Each test opens a database of its own: up to half a minute on a loaded 2-core machine.
describe('PGlite on its own thread', { timeout: 90_000 }, () => {
  it('leaves the event loop turning while a long statement runs', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      const loop = loopTurns();
      const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM generate_series(1, 500000)');
      loop.stop();
      expect(rows[0]!.n).toBe(500_000);
      // Run on this thread, the statement would hold the loop to its end: not one turn.
      expect(loop.turns).toBeGreaterThan(1);
    } finally {
      await db.close();
    }
  });

  it('runs a transaction alone: a statement outside it waits until it commits', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      await db.exec('CREATE TABLE t (n int)');
      let outside: Promise<{ rows: { n: number }[] }> | undefined;
      await db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES (1)');
        outside = db.query<{ n: number }>('SELECT count(*)::int AS n FROM t');
        await new Promise((r) => setTimeout(r, 20));
        await tx.query('INSERT INTO t VALUES (2)');
      });
      expect((await outside!).rows[0]!.n).toBe(2);
    } finally {
      await db.close();
    }
  });

  it('runs the statements of transactions begun at once each after its BEGIN, in order, one transaction at a time', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      await db.exec('CREATE TABLE s (tx text, n int)');
      // Both BEGINs and their statements reach the database thread before either BEGIN is answered.
      const one = db.transaction(async (tx) => {
        void tx.query("INSERT INTO s VALUES ('one', 1)");
        await new Promise((r) => setTimeout(r, 20));
        await tx.query("INSERT INTO s VALUES ('one', 2)");
        return (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM s WHERE tx = 'one'")).rows[0]!.n;
      });
      const two = db.transaction(async (tx) => {
        // Runs only once the first has committed: it sees both of its rows or none, never one.
        const seen = (await tx.query<{ n: number }>("SELECT count(*)::int AS n FROM s WHERE tx = 'one'")).rows[0]!.n;
        void tx.query("INSERT INTO s VALUES ('two', 1)");
        return seen;
      });
      expect(await Promise.all([one, two])).toEqual([2, 2]);
      expect((await db.query<{ tx: string; n: number }>('SELECT tx, n FROM s ORDER BY tx, n')).rows).toEqual([
        { tx: 'one', n: 1 },
        { tx: 'one', n: 2 },
        { tx: 'two', n: 1 },
      ]);
    } finally {
      await db.close();
    }
  });

  it('rolls back a transaction whose function throws, and keeps a failed statement’s fields', async () => {
    const db = await openPglite(IN_MEMORY);
    try {
      await db.exec('CREATE TABLE u (id int CONSTRAINT u_pkey PRIMARY KEY)');
      await expect(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO u VALUES (1)');
          throw new Error('changed my mind');
        }),
      ).rejects.toThrow('changed my mind');
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM u')).rows[0]!.n).toBe(0);
      await db.query('INSERT INTO u VALUES (1)');
      const failure = await db.query('INSERT INTO u VALUES (1)').catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(Error);
      expect(failure).toMatchObject({ code: '23505', constraint: 'u_pkey', message: expect.stringMatching(/duplicate key/) });
    } finally {
      await db.close();
    }
  });

  it('returns dates and bytes as PGlite does, and refuses statements once closed', async () => {
    const db = await openPglite(IN_MEMORY);
    const { rows } = await db.query<{ at: Date; b: Uint8Array }>("SELECT '2026-01-02T03:04:05Z'::timestamptz AS at, '\\x0102'::bytea AS b");
    expect(rows[0]!.at).toBeInstanceOf(Date);
    expect(rows[0]!.at.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect([...rows[0]!.b]).toEqual([1, 2]);
    await db.close();
    await expect(db.query('SELECT 1')).rejects.toThrow(/closed/);
    // A transaction that cannot begin fails with that, not with the statements it never ran.
    await expect(db.transaction((tx) => tx.query('SELECT 1'))).rejects.toThrow(/closed/);
  });
});
