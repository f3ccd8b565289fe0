import { chromium, expect, test, type Browser } from '@playwright/test';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { seedAdapterHealth } from './adapter-health-seed';
import { CHROMIUM, startBackend } from './harness';

/** The dashboard's Adapter health page in Chromium against a real `aitl serve` with seeded reports. */
let backend: Awaited<ReturnType<typeof startBackend>>;
let browser: Browser;
let operator: string;

test.beforeAll(async () => {
  backend = await startBackend();
  ({ operator } = await seedAdapterHealth(backend.db, 'health'));
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});
test.afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

test('adapter health shows per site, version and day which selectors fell back or failed, with the API numbers', async ({}, testInfo) => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  const problems: string[] = [];
  // The browser's own favicon request is not the page's doing (the dashboard declares none).
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && problems.push(`${m.text()} ${m.location().url}`));
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(`${backend.url}/dashboard/`);
  await page.getByLabel('Operator or admin token').fill(operator);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Adapter health' }).click();
  await expect(page.getByRole('heading', { name: 'Adapter health' })).toBeVisible();

  const metrics = (await (await page.request.get(`${backend.url}/v1/metrics`, { headers: { authorization: `Bearer ${operator}` } })).json()) as MetricsResponse;
  const today = new Date().toISOString().slice(0, 10);
  const zendeskToday = metrics.adapterHealth.find((d) => d.day === today && d.site === 'zendesk')!;
  const composer = zendeskToday.selectors.find((s) => s.selector === 'composer' && s.outcome === 'failed')!;
  expect(composer.tickets.numerator).toBe(17);

  // Today's failures lead the page, with their counts.
  await expect(page.getByRole('alert')).toContainText(`Zendesk (extension 1.4.2): composer found nothing on`);
  await expect(page.getByRole('alert')).toContainText(`(${composer.tickets.numerator} / ${composer.tickets.denominator}) tickets`);
  // One grid per site and version; the failed composer row is marked, its cell carries the numbers.
  const grids = page.locator('figure.health-grid');
  await expect(grids).toHaveCount(3);
  const zendesk = page.locator('figure.health-grid[data-site="zendesk"][data-version="1.4.2"]');
  const row = zendesk.locator('g[data-selector="composer"][data-outcome="failed"]');
  await expect(row.locator('.row-label')).toHaveText('✕ composer · failed');
  await expect(row.locator('.row-label')).toHaveClass(/failed/);
  await expect(row.locator('.cell title')).toHaveText(`composer failed, ${today}: ${(composer.tickets.rate! * 100).toFixed(1)}% (${composer.tickets.numerator} / ${composer.tickets.denominator}) tickets`);
  await expect(zendesk.locator('g[data-selector="subject"][data-outcome="fallback"] .cell')).toHaveCount(4);
  await expect(zendesk.locator('g[data-outcome="primary"]')).toHaveCount(0);
  await page.screenshot({ path: testInfo.outputPath('adapter-health-1280.png'), fullPage: true });

  // The table alternative: the same numbers as text.
  await zendesk.getByRole('button', { name: 'Show table' }).click();
  await expect(zendesk.getByRole('table')).toContainText(`${composer.tickets.numerator} of ${composer.tickets.denominator}`);
  await expect(zendesk.locator('tr.failed').first()).toBeVisible();
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('adapter-health-1920-table.png'), fullPage: true });
  await zendesk.getByRole('button', { name: 'Show chart' }).click();
  await page.screenshot({ path: testInfo.outputPath('adapter-health-1920.png'), fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});
