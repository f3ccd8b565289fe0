import path from 'node:path';
import { lockDataDir } from './data-dir-lock';
import type { Database, Sql } from './database';
import { issuedStatements } from './issued-statements';
import { startPgliteThread, type PgliteThread } from './pglite-thread';

/** `AITL_DATA_DIR=memory://` keeps the embedded database in memory: nothing survives the process. */
export const IN_MEMORY = 'memory://';

/**
 * The embedded default. PGlite runs Postgres with fsync off: committed rows survive a killed
 * process (they are in the OS page cache) but not a power cut or kernel crash. Use Postgres for
 * anything you cannot afford to lose.
 *
 * PGlite runs each statement synchronously (WASM) on the thread that calls it, so here it runs in
 * a worker thread of its own (pglite-thread.ts). On the server's thread its statements held the
 * event loop, and the loop accepts one new connection per turn (libuv since 1.45, Node 20): under
 * a crowd's statements a turn took 25–50 ms, so 200 connections opened at once waited up to
 * seconds in the kernel's accept backlog, unseen by any concurrency cap or load shedding. With the
 * database on its own thread the loop's turns stay short, and on a second core the database and
 * the HTTP work run side by side.
 */
export async function openPglite(dataDir: string): Promise<Database> {
  const inMemory = dataDir === IN_MEMORY;
  const lock = inMemory ? { release() {} } : lockDataDir(dataDir);
  let thread: PgliteThread;
  try {
    thread = await startPgliteThread(inMemory ? undefined : path.join(dataDir, 'pgdata'));
  } catch (error) {
    lock.release();
    throw new Error(`could not open the embedded database in ${dataDir}: ${(error as Error).message}`);
  }
  let nextTx = 1;
  const sql = (tx: number | undefined): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      return { rows: await thread.call<T[]>({ op: 'query', tx, text, params }) };
    },
    async exec(script: string) {
      await thread.call({ op: 'exec', tx, text: script });
    },
  });
  return {
    kind: 'pglite',
    ...sql(undefined),
    // PGlite runs one transaction at a time: statements outside it wait until it ends. Its
    // statements go to the thread right behind the BEGIN, not after its answer: the database is
    // held from the moment it begins, so every round trip to this thread while it is held is time
    // it works for no one (this thread may be busy with other requests, or waiting for a CPU).
    transaction: async (fn) => {
      const tx = nextTx++;
      const begun = thread.call<void>({ op: 'begin', tx });
      begun.catch(() => {}); // awaited below, after fn
      const issued = issuedStatements(sql(tx));
      let value: Awaited<ReturnType<typeof fn>>;
      try {
        value = await fn(issued.sql);
      } catch (error) {
        await issued.failure(); // the rollback comes after the statements fn issued, as on Postgres
        await thread.call({ op: 'rollback', tx });
        await begun; // a transaction that could not begin fails with that, not with what it caused
        throw error;
      }
      const failure = await issued.failure();
      if (failure !== undefined) {
        await thread.call({ op: 'rollback', tx });
        await begun;
        throw failure;
      }
      await thread.call({ op: 'commit', tx });
      return value;
    },
    async close() {
      try {
        await thread.close();
      } finally {
        lock.release();
      }
    },
  };
}
