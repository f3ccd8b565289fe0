import path from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import type { Database, Sql } from './database';
import { issuedStatements } from './issued-statements';

/** `AITL_DATA_DIR=memory://` keeps the embedded database in memory: nothing survives the process. */
export const IN_MEMORY = 'memory://';

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
  const sql = (client: Pick<PGlite, 'query' | 'exec'>): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      // PGlite runs each statement synchronously on this thread and resolves without ever giving
      // the event loop a turn, so a request's chain of statements would run to its end before the
      // server even accepted the next connection: under a crowd, requests queued unseen in the
      // kernel's accept backlog, where no concurrency cap or load shedding could reach them.
      // One turn of the loop per statement lets new requests in to be admitted, queued or shed.
      await nextTurn();
      const result = await client.query<T>(text, params);
      return { rows: result.rows };
    },
    async exec(script: string) {
      await client.exec(script);
    },
  });
  return {
    kind: 'pglite',
    ...sql(db),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        const issued = issuedStatements(sql(tx));
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
      }),
    async close() {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
