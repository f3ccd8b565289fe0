import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import type { AgreementResponse } from '../../lib/contract/agreement';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { REASON, seedFlywheel } from './dashboard-seed';
import { CHROMIUM, startBackend } from './harness';

/**
 * The operator dashboard in Chromium against a real `aitl serve` on seeded annotations: an agent
 * token is refused with no data shown, an operator token sees charts carrying the numbers
 * /v1/metrics returns, under the dashboard's CSP with nothing blocked.
 */
let backend: Awaited<ReturnType<typeof startBackend>>;
let browser: Browser;
let tokens: { operator: string; agent: string };

test.beforeAll(async () => {
  backend = await startBackend();
  tokens = await seedFlywheel(backend.db, 'dash');
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});
test.afterAll(async () => {
  await browser?.close();
  await backend?.close();
});

async function openDashboard(width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  const response = await page.goto(`${backend.url}/dashboard/`);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  return { page, problems };
}

async function signIn(page: Page, token: string) {
  await page.getByLabel('Operator or admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('an agent token is refused and sees no data', async () => {
  const { page } = await openDashboard(1280);
  await signIn(page, tokens.agent);
  await expect(page.getByRole('alert')).toHaveText(/needs an operator or admin token/);
  await expect(page.getByRole('heading', { name: 'Flywheel' })).toHaveCount(0);
  await expect(page.locator('svg circle')).toHaveCount(0);
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
  await page.close();
});

test('an operator sees the flywheel and annotation quality with the API numbers', async ({}, testInfo) => {
  const { page, problems } = await openDashboard(1280);
  await signIn(page, tokens.operator);
  await expect(page.getByRole('heading', { name: 'Flywheel' })).toBeVisible();

  const metrics = (await (
    await page.request.get(`${backend.url}/v1/metrics`, { headers: { authorization: `Bearer ${tokens.operator}` } })
  ).json()) as MetricsResponse;
  expect(metrics.weeks).toHaveLength(4);
  const last = metrics.weeks.at(-1)!;

  const adoption = page.getByRole('figure').filter({ hasText: 'Adoption' });
  const strictPoints = adoption.locator('circle[data-series="strict"]');
  await expect(strictPoints).toHaveCount(4);
  const s = last.adoptionStrict;
  await expect(strictPoints.last().locator('title')).toHaveText(new RegExp(`\\(${s.numerator} / ${s.denominator}\\)$`));
  // The promotion is marked on the time axis of every chart.
  await expect(adoption.locator('.marker title')).toHaveText(/promote reranker rerank-2/);
  // Precision@8 per served version: both rerankers appear as their own series.
  const precision = page.getByRole('figure').filter({ hasText: 'precision@8' });
  await expect(precision.locator('.legend')).toContainText('rerank-1');
  await expect(precision.locator('.legend')).toContainText('rerank-2');
  // Arms with their Bradley–Terry strengths, and the table alternative with the same counts.
  const bt = page.getByRole('figure').filter({ hasText: 'Bradley–Terry' });
  await expect(bt.locator('circle')).toHaveCount(8);
  await adoption.getByRole('button', { name: 'Show table' }).click();
  await expect(adoption.getByRole('table')).toContainText(`(${s.numerator} / ${s.denominator})`);
  await adoption.getByRole('button', { name: 'Show chart' }).click();
  await expect(page.getByText('No judge configured')).toBeVisible();
  await expect(page.getByRole('table').last()).toContainText('promote reranker rerank-2');
  // The reason's markup is text on the page, not elements, and ran nothing.
  await expect(page.getByRole('table').last()).toContainText(REASON);
  expect(await page.locator('main img, main script').count()).toBe(0);
  expect(await page.title()).toBe('AITL dashboard');

  expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([tokens.operator]);
  expect(await page.context().cookies()).toEqual([]);
  await page.screenshot({ path: testInfo.outputPath('flywheel-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('flywheel-1920.png'), fullPage: true });

  await page.getByRole('button', { name: 'Annotation quality' }).click();
  const left = page.getByRole('figure').filter({ hasText: 'Position bias' });
  const lw = last.quality.leftWins;
  await expect(left.locator('circle').last().locator('title')).toHaveText(new RegExp(`\\(${lw.numerator} / ${lw.denominator}\\)$`));
  const agreement = (await (
    await page.request.get(`${backend.url}/v1/metrics/agreement`, { headers: { authorization: `Bearer ${tokens.operator}` } })
  ).json()) as AgreementResponse;
  expect(agreement.relevance.items).toBeGreaterThan(0);
  await expect(page.getByText(`Cohen's kappa ${agreement.relevance.kappa!.toFixed(2)}`)).toBeVisible();
  await expect(page.getByRole('table')).toContainText(agreement.agents[0]!.agent);
  await expect(page.getByRole('table')).not.toContainText('jane');
  await page.screenshot({ path: testInfo.outputPath('quality-1920.png'), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 1000 });
  await page.screenshot({ path: testInfo.outputPath('quality-1280.png'), fullPage: true });

  // A reload keeps the session (sessionStorage); signing out forgets the token.
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Flywheel' })).toBeVisible();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByLabel('Operator or admin token')).toBeVisible();
  expect(await page.evaluate(() => Object.keys(sessionStorage))).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});
