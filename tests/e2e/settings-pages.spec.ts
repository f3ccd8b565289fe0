import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { agentToken, configure, launchBrowser, startBackend, SW_ANNOTATION_FACTORY } from './harness';

/**
 * The options page and the popup as an agent sees them, against the real backend: Test connection
 * says the backend is up and whose the token is; screenshots at the sizes people use.
 */
test('options page: Test connection shows health and whose the token is; popup counts at a glance', async ({}, testInfo) => {
  const backend = await startBackend();
  const { context, worker, extensionId, userDataDir } = await launchBrowser();
  try {
    const token = await agentToken(backend, 'acme-support', 'sam.agent@acme.example');
    await configure(context, extensionId, { backendUrl: backend.url, token });

    const options = await context.newPage();
    await options.setViewportSize({ width: 1280, height: 900 });
    await options.goto(`chrome-extension://${extensionId}/options.html`);
    await expect(options.getByTestId('aitl-option-backendUrl')).toHaveValue(backend.url);
    // Each setting has its own row, with its label and a line of help (not one run-on line).
    await expect(options.getByLabel('Backend URL')).toHaveValue(backend.url);
    await expect(options.locator('.setting')).toHaveCount(4);
    await expect(options.locator('.setting .setting-help')).toHaveCount(4);
    const urlBox = await options.getByText('Backend URL', { exact: true }).boundingBox();
    const tokenBox = await options.getByText('Agent token', { exact: true }).boundingBox();
    expect(tokenBox!.y).toBeGreaterThan(urlBox!.y + urlBox!.height);

    await options.getByTestId('aitl-test-connection').click();
    await expect(options.getByTestId('aitl-connection-health')).toHaveAttribute('data-ok', 'true');
    await expect(options.getByTestId('aitl-connection-health')).toContainText('embedded database');
    await expect(options.getByTestId('aitl-connection-owner')).toHaveAttribute('data-ok', 'true');
    await expect(options.getByTestId('aitl-connection-owner')).toContainText('agent token of sam.agent@acme.example in tenant acme-support');
    await options.screenshot({ path: testInfo.outputPath('options-1280.png'), fullPage: true });
    await options.setViewportSize({ width: 1920, height: 1080 });
    await options.screenshot({ path: testInfo.outputPath('options-1920.png'), fullPage: true });

    // A token typed but not saved is what is tested: a wrong one is refused, and the page says what to do.
    await options.getByTestId('aitl-option-token').fill(`aitl_agent_${'0'.repeat(64)}`);
    await options.getByTestId('aitl-test-connection').click();
    await expect(options.getByTestId('aitl-connection-owner')).toHaveAttribute('data-ok', 'false');
    await expect(options.getByTestId('aitl-connection-owner')).toContainText('refused the token');
    await expect(options.getByTestId('aitl-connection-health')).toHaveAttribute('data-ok', 'true');

    // A backend nobody answers at.
    await options.getByTestId('aitl-option-backendUrl').fill('http://127.0.0.1:9');
    await options.getByTestId('aitl-test-connection').click();
    await expect(options.getByTestId('aitl-connection-health')).toHaveAttribute('data-ok', 'false');
    await expect(options.getByTestId('aitl-connection-health')).toContainText('Cannot reach http://127.0.0.1:9');
    await options.setViewportSize({ width: 1280, height: 900 });
    await options.screenshot({ path: testInfo.outputPath('options-1280-unreachable.png'), fullPage: true });

    // The popup at its real size (its body sets the width Chrome gives it).
    const popup = await context.newPage();
    await popup.setViewportSize({ width: 340, height: 600 });
    await popup.goto(`chrome-extension://${extensionId}/popup.html`);
    await expect(popup.getByTestId('aitl-popup-connection')).toHaveAttribute('data-connection', 'ok');
    await expect(popup.getByTestId('aitl-popup-connection')).toHaveText('Connected');
    await expect(popup.getByTestId('aitl-popup-pending')).toHaveText('0');
    await expect(popup.getByTestId('aitl-popup-dead-letters')).toHaveText('0');
    const width = await popup.evaluate(() => document.body.getBoundingClientRect().width);
    expect(width).toBe(340);
    // Readable at a glance: the counts are big.
    const size = await popup.getByTestId('aitl-popup-pending').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(size).toBeGreaterThanOrEqual(20);
    const height = await popup.evaluate(() => Math.ceil(document.querySelector('main')!.getBoundingClientRect().bottom) + 8);
    await popup.screenshot({ path: testInfo.outputPath('popup.png'), clip: { x: 0, y: 0, width: 340, height } });

    // Offline with clicks waiting and two the server refused: the tiles say so in numbers and colour.
    await configure(context, extensionId, { backendUrl: 'http://127.0.0.1:9' });
    await worker.evaluate(SW_ANNOTATION_FACTORY);
    await worker.evaluate(`(async () => {
      const { db } = globalThis.aitl;
      const clientId = await globalThis.aitl.clientId();
      const now = Date.now();
      const rows = Array.from({ length: 12 }, (_, i) => __relevance(i, clientId));
      await db.transaction('rw', db.annotations, db.outbox, async () => {
        await db.annotations.bulkAdd(rows.map((a) => ({ id: a.id, annotation: a, capturedAt: now })));
        await db.outbox.bulkAdd(rows.map((a) => ({ id: a.id, queuedAt: now, notBefore: 0 })));
      });
      const refused = Array.from({ length: 2 }, (_, i) => __relevance(100 + i, clientId));
      await db.deadLetters.bulkAdd(refused.map((a) => ({ id: a.id, status: 'rejected', error: 'payload.label: unknown label', paths: ['payload.label'], movedAt: new Date(now).toISOString(), annotation: a })));
    })()`);
    await popup.getByTestId('aitl-sync-now').click();
    await expect(popup.getByTestId('aitl-popup-connection')).toHaveAttribute('data-connection', 'offline');
    await expect(popup.getByTestId('aitl-popup-pending')).toHaveText('12');
    await expect(popup.getByTestId('aitl-popup-dead-letters')).toHaveText('2');
    await expect(popup.getByTestId('aitl-export-dead-letters')).toBeVisible();
    const offlineHeight = await popup.evaluate(() => Math.ceil(document.querySelector('main')!.getBoundingClientRect().bottom) + 8);
    await popup.screenshot({ path: testInfo.outputPath('popup-offline.png'), clip: { x: 0, y: 0, width: 340, height: offlineHeight } });
  } finally {
    await context.close();
    await backend.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
    fs.rmSync(backend.dataDir, { recursive: true, force: true });
  }
});
