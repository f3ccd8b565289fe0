import { Worker } from 'node:worker_threads';
import { DatabaseUnavailableError } from './database';

export type ThreadRequest =
  | { op: 'query'; tx?: number; text: string; params?: unknown[] }
  | { op: 'exec'; tx?: number; text: string }
  /** `tx`: the caller's id for it, so its statements can follow at once, before the answer. */
  | { op: 'begin'; tx: number }
  | { op: 'commit' | 'rollback'; tx: number }
  | { op: 'close' };

type Described = { name: string; message: string } & Record<string, unknown>;

/** The error a statement failed with in the worker, with its fields (code, constraint, detail, …). */
function revive(d: Described): Error {
  const { name, message, ...fields } = d;
  const error = Object.assign(new Error(message), fields);
  error.name = name;
  return error;
}

export interface PgliteThread {
  call<T>(request: ThreadRequest): Promise<T>;
  /** Closes the database and waits for the thread to end. */
  close(): Promise<void>;
}

/**
 * PGlite in a worker thread of its own (pglite-worker.mjs): `dataDir` undefined keeps it in memory.
 * Every statement is a message to that thread and back, so none of the WASM Postgres runs on the
 * caller's thread. The worker keeps the process alive only while a call is waiting on it.
 */
export async function startPgliteThread(dataDir: string | undefined): Promise<PgliteThread> {
  const worker = new Worker(new URL('./pglite-worker.mjs', import.meta.url), { workerData: { dataDir } });
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: unknown): void }>();
  let nextId = 1;
  let gone: Error | null = null;
  let exited = false;
  const exit = new Promise<void>((resolve) => worker.once('exit', () => ((exited = true), resolve())));
  const failAll = (error: Error) => {
    gone ??= error;
    for (const p of pending.values()) p.reject(gone);
    pending.clear();
  };
  await new Promise<void>((resolve, reject) => {
    worker.once('message', (m: { ready: boolean; error?: Described }) => (m.ready ? resolve() : reject(revive(m.error!))));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the database thread exited with code ${code}`)));
  });
  worker.on('message', (m: { id: number; value?: unknown; error?: Described }) => {
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (pending.size === 0) worker.unref();
    if (m.error) p.reject(revive(m.error));
    else p.resolve(m.value);
  });
  worker.on('error', (error) => failAll(new DatabaseUnavailableError(`the embedded database's thread failed: ${error.message}`)));
  worker.on('exit', () => failAll(new DatabaseUnavailableError('the embedded database is closed')));
  worker.unref();

  const call = <T>(request: ThreadRequest) =>
    new Promise<T>((resolve, reject) => {
      if (gone) return reject(gone);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (pending.size === 1) worker.ref();
      worker.postMessage({ id, ...request });
    });
  let closing: Promise<void> | null = null;
  return {
    call,
    close: () =>
      (closing ??= (async () => {
        if (exited) return;
        worker.ref();
        try {
          await call({ op: 'close' });
        } finally {
          await worker.terminate();
          await exit;
        }
      })()),
  };
}
