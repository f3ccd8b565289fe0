import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import type { Database, Sql } from './database';
import { issuedStatements } from './issued-statements';

/** `AITL_DATA_DIR=memory://` keeps the embedded database in memory: nothing survives the process. */
export const IN_MEMORY = 'memory://';

/** Main-thread time statements may hold the event loop before it gets a turn (see `turnIfDue`). */
export const YIELD_AFTER_MS = 10;

/**
 * The embedded default. PGlite runs Postgres with fsync off: committed rows survive a killed
 * process (they are in the OS page cache) but not a power cut or kernel crash. Use Postgres for
 * anything you cannot afford to lose.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir === IN_MEMORY;
  const lock = inMemory ? { release() {} } : lockDataDir(dataDir);
  let db: PGlite;
  try {
    db = inMemory ? await PGlite.create() : await PGlite.create(path.join(dataDir, 'pgdata'));
  } catch (error) {
    lock.release();
    throw new Error(`could not open the embedded database in ${dataDir}: ${(error as Error).message}`);
  }
  // PGlite runs each statement synchronously on this thread and resolves without ever giving the
  // event loop a turn, so a chain of statements would run to its end before the server even
  // accepted the next connection: under a crowd, requests queued unseen in the kernel's accept
  // backlog, where no concurrency cap or load shedding could reach them. So the loop gets a turn
  // once statements have held it for YIELD_AFTER_MS. Not after every statement: under a crowd one
  // turn takes 10–20 ms (it answers every request that arrived meanwhile), and a suggestion's six
  // statements each waiting a turn spent more time waiting than running. Never inside a
  // transaction: PGlite runs one at a time, so a turn there holds every other request's
  // statement up behind it.
  let lastTurn = performance.now();
  const turnIfDue = async () => {
    if (performance.now() - lastTurn < YIELD_AFTER_MS) return;
    await nextTurn();
    lastTurn = performance.now();
  };
  const sql = (client: Pick<PGlite, 'query' | 'exec'>, inTransaction: boolean): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      if (!inTransaction) await turnIfDue();
      const result = await client.query<T>(text, params);
      return { rows: result.rows };
    },
    async exec(script: string) {
      await client.exec(script);
    },
  });
  return {
    kind: 'pglite',
    ...sql(db, false),
    transaction: async (fn) => {
      await turnIfDue();
      return db.transaction(async (tx) => {
        const issued = issuedStatements(sql(tx, true));
        let value: Awaited<ReturnType<typeof fn>>;
        try {
          value = await fn(issued.sql);
        } catch (error) {
          await issued.failure(); // the rollback comes after the statements fn issued, as on Postgres
          throw error;
        }
        // PGlite commits when this resolves: only after every statement fn issued has run.
        const failure = await issued.failure();
        if (failure !== undefined) throw failure;
        return value;
      });
    },
    async close() {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
