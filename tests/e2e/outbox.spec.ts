import fs from 'node:fs';
import { expect, test, type Worker } from '@playwright/test';
import { openPglite } from '../../server/src/db/pglite';
import { runCli, startServerProcess, tempDataDir, type ServerProcess } from '../../server/test/helpers/process';
import { configure, launchBrowser, popupStatus, SW_ANNOTATION_FACTORY } from './harness';

/** Queues `n` valid annotations straight into the extension's outbox, as n clicks would. */
async function queue(worker: Worker, n: number): Promise<void> {
  await worker.evaluate(SW_ANNOTATION_FACTORY);
  await worker.evaluate(`(async (n) => {
    const { db } = globalThis.aitl;
    const clientId = await globalThis.aitl.clientId();
    const now = Date.now();
    const rows = Array.from({ length: n }, (_, i) => __relevance(i, clientId));
    await db.transaction('rw', db.annotations, db.outbox, async () => {
      await db.annotations.bulkAdd(rows.map((a) => ({ id: a.id, annotation: a, capturedAt: now })));
      await db.outbox.bulkAdd(rows.map((a) => ({ id: a.id, queuedAt: now, notBefore: 0 })));
    });
  })(${n})`);
}

async function countRows(dataDir: string): Promise<{ rows: number; distinct: number }> {
  const db = await openPglite(dataDir);
  try {
    const { rows } = await db.query<{ rows: number; distinct: number }>('SELECT count(*)::int AS rows, count(DISTINCT id)::int AS distinct FROM annotations');
    return rows[0]!;
  } finally {
    await db.close();
  }
}

/**
 * A backend process on its own embedded database, with an agent token, stopped again: its port is
 * fixed, so it can be started (and killed) later at the same URL the extension was given.
 */
async function stoppedBackendProcess(agent: string) {
  const dataDir = tempDataDir();
  const env = { AITL_DATA_DIR: dataDir };
  const token = (await runCli(['tokens', 'create', '--role', 'agent', '--name', agent, '--tenant', 'e2e'], env)).stdout.trimEnd().split('\n').at(-1)!;
  const first = await startServerProcess(env);
  const port = new URL(first.url).port;
  await first.stop();
  return { dataDir, token, port, backendUrl: `http://127.0.0.1:${port}`, start: () => startServerProcess({ ...env, PORT: port }) };
}

test('the backend killed mid-sync, then restarted, ends with exactly one row per annotation', async () => {
  const { dataDir, token, backendUrl, start } = await stoppedBackendProcess('e2e-kill');
  let server: ServerProcess | null = null;
  const { context, worker, extensionId, userDataDir } = await launchBrowser();
  const QUEUED = 3_000;
  try {
    // Configured while the backend is down, so nothing drains before the kill is armed.
    await configure(context, extensionId, { backendUrl, token });
    await queue(worker, QUEUED);
    expect((await popupStatus(context, extensionId)).status.pending).toBe(QUEUED);

    server = await start();
    const syncing = worker.evaluate(() => (globalThis as unknown as { aitl: { loop: { request(r: string): Promise<unknown> } } }).aitl.loop.request('manual'));
    // Kill it hard once part of the outbox is acknowledged and the rest is on its way.
    await expect.poll(async () => (await popupStatus(context, extensionId)).status.pending, { intervals: [20] }).toBeLessThan(QUEUED);
    await server.kill();
    await syncing;
    const afterKill = (await popupStatus(context, extensionId)).status;
    expect(afterKill.pending).toBeGreaterThan(0);
    expect(afterKill.connection).toBe('offline');

    // Back up on the same folder: "Sync now" in the popup drains the rest.
    server = await start();
    const popup = await context.newPage();
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await popup.getByTestId('aitl-sync-now').click();
    await expect(popup.getByTestId('aitl-popup-pending')).toHaveText('0');
    await expect(popup.getByTestId('aitl-popup-connection')).toHaveAttribute('data-connection', 'ok');
    await expect(popup.getByTestId('aitl-popup-dead-letters')).toHaveText('0');
    await server.stop();
    expect(await countRows(dataDir)).toEqual({ rows: QUEUED, distinct: QUEUED });
  } finally {
    await context.close();
    await server?.stop();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

test('queued annotations survive a browser restart and drain when the worker starts again', async () => {
  const { dataDir, token, backendUrl, start } = await stoppedBackendProcess('e2e-restart');
  let server: ServerProcess | null = null;
  let browser = await launchBrowser();
  try {
    await configure(browser.context, browser.extensionId, { backendUrl, token });
    await queue(browser.worker, 25);
    expect((await popupStatus(browser.context, browser.extensionId)).status.pending).toBe(25);
    await browser.context.close();

    server = await start();
    browser = await launchBrowser({ userDataDir: browser.userDataDir });
    // Nobody clicks anything: the restarted worker finds its outbox and sends it.
    await expect.poll(async () => (await popupStatus(browser.context, browser.extensionId)).status.pending, { timeout: 90_000 }).toBe(0);
    await server.stop();
    expect(await countRows(dataDir)).toEqual({ rows: 25, distinct: 25 });
  } finally {
    await browser.context.close();
    await server?.stop();
    fs.rmSync(browser.userDataDir, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
