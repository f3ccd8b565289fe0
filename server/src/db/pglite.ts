import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { lockDataDir } from './data-dir-lock';
import type { Database, Sql } from './database';

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
    transaction: (fn) => db.transaction((tx) => fn(sql(tx))),
    async close() {
      try {
        await db.close();
      } finally {
        lock.release();
      }
    },
  };
}
