// The embedded database's own thread (started by pglite-thread.ts). PGlite runs Postgres as WASM
// synchronously on whatever thread calls it; here that is this worker, not the server's main
// thread, whose event loop stays free to accept connections, read requests and shed load.
//
// Messages in: { id, op: 'query' | 'exec', tx?, text, params? }, { id, op: 'begin', tx },
// { id, op: 'commit' | 'rollback', tx }, { id, op: 'close' }. Each gets one answer:
// { id, value } or { id, error: { name, message, ...fields } }. Plain JavaScript, so the worker
// needs no TypeScript loader of its own.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** A thrown value as a plain object that survives postMessage, with the fields callers test (code, constraint, …). */
function describe(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const out = { name: error.name, message: error.message };
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) out[key] = value;
  }
  return out;
}

let db;
try {
  db = workerData.dataDir ? await PGlite.create(workerData.dataDir) : await PGlite.create();
  parentPort.postMessage({ ready: true });
} catch (error) {
  parentPort.postMessage({ ready: false, error: describe(error) });
  process.exit(1);
}

/**
 * Open transactions, by the id the caller gave in `begin`: when PGlite has begun it (`opened`), its
 * connection, the chain its statements run on in order, and how to end it. The caller sends its
 * statements right behind `begin` without waiting for the answer, so PGlite, which runs one
 * transaction at a time, never sits idle while it is held waiting for a message from the server's
 * thread to say what comes first.
 */
const transactions = new Map();

const reply = (id, run) =>
  run().then(
    (value) => parentPort.postMessage({ id, value }),
    (error) => parentPort.postMessage({ id, error: describe(error) }),
  );

parentPort.on('message', (m) => {
  switch (m.op) {
    case 'query':
    case 'exec': {
      const statement = (conn) => (m.op === 'query' ? conn.query(m.text, m.params).then((r) => r.rows) : conn.exec(m.text).then(() => undefined));
      if (m.tx === undefined) return void reply(m.id, () => statement(db));
      const t = transactions.get(m.tx);
      if (!t) return void reply(m.id, async () => Promise.reject(new Error(`transaction ${m.tx} is not open`)));
      // A transaction's statements run one after another, in the order they were issued, once it has begun
      // (a transaction that could not begin fails each with its error).
      const run = t.chain.then(() => t.opened).then(() => statement(t.tx));
      t.chain = run.catch(() => {});
      return void reply(m.id, () => run);
    }
    case 'begin': {
      const t = { tx: null, opened: null, chain: Promise.resolve(), commit: null, rollback: null, ended: null };
      transactions.set(m.tx, t);
      const opened = new Promise((resolve) => {
        t.ended = db.transaction(
          (tx) =>
            new Promise((commit, rollback) => {
              Object.assign(t, { tx, commit, rollback });
              resolve();
            }),
        );
        t.ended.catch(() => {});
      });
      // Settled once PGlite has begun it (it waits for statements already running to finish), or could not.
      t.opened = Promise.race([opened, t.ended]);
      t.opened.catch(() => {});
      return void reply(m.id, () => t.opened.then(() => undefined));
    }
    case 'commit':
    case 'rollback': {
      const t = transactions.get(m.tx);
      if (!t) return void reply(m.id, async () => Promise.reject(new Error(`transaction ${m.tx} is not open`)));
      transactions.delete(m.tx);
      return void reply(m.id, async () => {
        // One that never began has nothing to end: a rollback is done, a commit fails as its begin did.
        const began = await t.opened.then(() => true, (error) => (m.op === 'commit' ? Promise.reject(error) : false));
        if (!began) return;
        await t.chain;
        if (m.op === 'commit') {
          t.commit();
          await t.ended;
        } else {
          t.rollback(new Error('rolled back'));
          await t.ended.catch(() => {});
        }
      });
    }
    case 'close':
      // Answered before the port closes, or the answer would be lost with it.
      return void db.close().then(
        () => {
          parentPort.postMessage({ id: m.id });
          parentPort.close();
        },
        (error) => parentPort.postMessage({ id: m.id, error: describe(error) }),
      );
    default:
      return void reply(m.id, async () => Promise.reject(new Error(`unknown operation ${m.op}`)));
  }
});
