/**
 * The outbox in the real extension (Chromium's IndexedDB, the built service worker), against the
 * real backend on an embedded database, next to baselines from the same run:
 *
 *   npm run bench:extension-outbox
 *
 * 1. Capture -> durable: `captureAnnotation` (contract validation + the annotation and its outbox
 *    entry in one strict-durability transaction), one annotation at a time, as an agent clicks.
 *    Baseline: a bare IndexedDB put of the same object, strict durability, in the same worker.
 * 2. Drain 10,000 queued annotations to the local backend through the sync loop (batches of 500,
 *    acknowledgements written back). Baseline: POSTing the same number to /v1/sync from the same
 *    worker with no IndexedDB at all.
 */
import fs from 'node:fs';
import { agentToken, annotationRows, configure, launchBrowser, startBackend, SW_ANNOTATION_FACTORY } from '../tests/e2e/harness';
import { benchResult } from './bench-result';

const CAPTURES = Number(process.env.CAPTURES ?? 300);
const QUEUED = Number(process.env.QUEUED ?? 10_000);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;


async function main() {
  const backend = await startBackend();
  const { context, worker, extensionId, userDataDir } = await launchBrowser();
  try {
    const token = await agentToken(backend);
    await configure(context, extensionId, { backendUrl: backend.url, token });
    await worker.evaluate(SW_ANNOTATION_FACTORY);

    // 1. Capture -> durable, one at a time.
    const capture = await worker.evaluate(async (n) => {
      const g = globalThis as any;
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = g.__relevance(i);
        const t = performance.now();
        await g.aitl.capture(a);
        times.push(performance.now() - t);
      }
      return times;
    }, CAPTURES);
    const baseline = await worker.evaluate(async (n) => {
      const g = globalThis as any;
      // Runs in the service worker, where indexedDB exists (this file is type-checked for Node).
      const idb = g.indexedDB;
      const db: any = await new Promise((resolve, reject) => {
        const req = idb.open('aitl-bench-baseline', 1);
        req.onupgradeneeded = () => req.result.createObjectStore('rows', { keyPath: 'id' });
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const a = g.__relevance(i);
        const t = performance.now();
        await new Promise<void>((resolve, reject) => {
          const tx = db.transaction('rows', 'readwrite', { durability: 'strict' });
          tx.objectStore('rows').put(a);
          tx.oncomplete = () => resolve();
          tx.onerror = () => reject(tx.error);
        });
        times.push(performance.now() - t);
      }
      db.close();
      idb.deleteDatabase('aitl-bench-baseline');
      return times;
    }, CAPTURES);
    console.log(`capture -> durable in IndexedDB, ${CAPTURES} annotations one at a time:`);
    console.log(`  captureAnnotation (validate + annotation and outbox entry, one strict transaction): p50 ${percentile(capture, 50).toFixed(2)} ms, p95 ${percentile(capture, 95).toFixed(2)} ms`);
    console.log(`  bare IndexedDB put, strict (baseline):                                          p50 ${percentile(baseline, 50).toFixed(2)} ms, p95 ${percentile(baseline, 95).toFixed(2)} ms`);
    // Let the captures above sync before the drain is measured.
    await worker.evaluate(async () => (globalThis as any).aitl.loop.request('manual'));

    // 2. Drain QUEUED annotations.
    const drain = await worker.evaluate(async (n) => {
      const g = globalThis as any;
      const { db } = g.aitl;
      const clientId = await g.aitl.clientId();
      const now = Date.now();
      const rows = Array.from({ length: n }, (_, i) => g.__relevance(i, clientId));
      await db.transaction('rw', db.annotations, db.outbox, async () => {
        await db.annotations.bulkAdd(rows.map((a) => ({ id: a.id, annotation: a, capturedAt: now })));
        await db.outbox.bulkAdd(rows.map((a) => ({ id: a.id, queuedAt: now, notBefore: 0 })));
      });
      const t = performance.now();
      await g.aitl.loop.request('manual');
      const ms = performance.now() - t;
      return { ms, left: await db.outbox.count(), status: await g.aitl.status() };
    }, QUEUED);
    const direct = await worker.evaluate(
      async ({ n, url, token }) => {
        const g = globalThis as any;
        const clientId = crypto.randomUUID();
        const bodies: string[] = [];
        for (let i = 0; i < n; i += 500) bodies.push(JSON.stringify({ clientId, annotations: Array.from({ length: Math.min(500, n - i) }, (_, k) => g.__relevance(i + k, clientId)) }));
        const t = performance.now();
        for (const body of bodies) {
          const res = await fetch(`${url}/v1/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
          if (!res.ok) throw new Error(`sync ${res.status}`);
          await res.json();
        }
        return performance.now() - t;
      },
      { n: QUEUED, url: backend.url, token: await agentToken(backend, 'bench-direct') },
    );
    const stored = (await annotationRows(backend)).length;
    console.log(`drain ${QUEUED} queued annotations to a local backend (PGlite), batches of 500:`);
    console.log(`  through the outbox and sync loop: ${(drain.ms / 1000).toFixed(2)} s (${Math.round(QUEUED / (drain.ms / 1000))} annotations/s), left in outbox: ${drain.left}, connection: ${drain.status.connection}`);
    console.log(`  plain POST /v1/sync of the same count, no IndexedDB (baseline): ${(direct / 1000).toFixed(2)} s (${Math.round(QUEUED / (direct / 1000))} annotations/s)`);
    console.log(`  rows in the database: ${stored} (expected ${CAPTURES + 2 * QUEUED})`);
    benchResult('extension-outbox', { captureP50: percentile(capture, 50), putP50: percentile(baseline, 50), drainMs: drain.ms, directMs: direct, rowsOk: stored === CAPTURES + 2 * QUEUED });
  } finally {
    await context.close();
    await backend.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(backend.dataDir, { recursive: true, force: true });
  }
}

await main();
