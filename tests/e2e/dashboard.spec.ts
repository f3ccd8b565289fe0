import { chromium, expect, test, type Browser } from '@playwright/test';
import type { AgreementResponse } from '../../lib/contract/agreement';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { REASON, seedFlywheel } from './dashboard-seed';
import { openDashboard as openTab, signIn } from './dashboard-session';
import { CHROMIUM, startBackend } from './harness';

/**
 * The operator dashboard in Chromium against a real `aitl serve` on seeded annotations: an agent
 * token is refused with no data shown, an operator token sees charts carrying the numbers
 * /v1/metrics returns, under the dashboard's CSP with nothing blocked. The gaps and batches pages:
 * dashboard-pages.spec.ts.
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

const openDashboard = (width: number) => openTab(browser, backend.url, width);

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
  // Win rates per arm and model version, each with its 95% interval drawn and in its hover text.
  const win = page.getByRole('figure').filter({ hasText: 'Arm win rate' });
  const lastArm = last.arms.find((arm) => arm.winRateInterval)!;
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  await expect(win.locator('path.interval')).toHaveCount(metrics.weeks.flatMap((w) => w.arms).filter((arm) => arm.winRateInterval).length);
  await expect(win.locator(`circle[data-series^="${lastArm.armId} ("]`).last().locator('title')).toContainText(
    `95% interval ${pct(lastArm.winRateInterval!.low)}–${pct(lastArm.winRateInterval!.high)}, over ${lastArm.comparisons} comparisons`,
  );
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
  expect(agreement.preference.items).toBeGreaterThan(0);
  // Relevance and preference agreement side by side, each with its items agreed / items.
  for (const kind of ['relevance', 'preference'] as const) {
    const row = page.locator(`tr[data-agreement="${kind}"]`);
    const st = agreement[kind];
    await expect(row).toContainText(`Cohen's kappa ${st.kappa!.toFixed(2)}`);
    await expect(row).toContainText(`(${Math.round(st.observed! * st.items)} / ${st.items})`);
  }
  const volumes = page.getByRole('table').filter({ hasText: 'Relevance labels' });
  await expect(volumes).toContainText(agreement.agents[0]!.agent);
  await expect(page.locator('main')).not.toContainText('jane');
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

test('a custom date range is checked, then narrows every chart to its ISO weeks', async () => {
  const { page, problems } = await openDashboard(1280);
  await signIn(page, tokens.operator);
  const adoption = page.getByRole('figure').filter({ hasText: 'Adoption' });
  await expect(adoption.locator('circle[data-series="strict"]')).toHaveCount(4);
  // Keyboard: the page list comes first in tab order, with a visible focus ring, and Enter opens a page.
  await page.locator('body').focus();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Flywheel' })).toBeFocused();
  expect(await page.getByRole('button', { name: 'Flywheel' }).evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Annotation quality' })).toHaveAttribute('aria-current', 'page');
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('button', { name: 'Flywheel' })).toHaveAttribute('aria-current', 'page');
  const range = page.getByRole('form', { name: 'Custom date range' });
  const day = (weeksAgo: number) => new Date(Date.now() - weeksAgo * 7 * 86_400_000).toISOString().slice(0, 10);
  await range.getByLabel('From').fill(day(0));
  await range.getByLabel('to', { exact: true }).fill(day(1));
  await range.getByRole('button', { name: 'Apply' }).click();
  await expect(range.getByRole('alert')).toHaveText('The start date must be on or before the end date.');
  await expect(range.getByLabel('From')).toHaveAttribute('aria-invalid', 'true');
  await expect(adoption.locator('circle[data-series="strict"]')).toHaveCount(4);

  // From the Monday two weeks back through today: this week and last.
  const now = new Date();
  const monday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (((now.getUTCDay() + 6) % 7) + 7) * 86_400_000);
  const from = monday.toISOString().slice(0, 10);
  const metricsCall = page.waitForRequest((r) => r.url().includes('/v1/metrics?'));
  await range.getByLabel('From').fill(from);
  await range.getByLabel('to', { exact: true }).fill(day(0));
  await range.getByRole('button', { name: 'Apply' }).click();
  const url = new URL((await metricsCall).url());
  expect(url.searchParams.get('from')).toBe(`${from}T00:00:00.000Z`);
  await expect(adoption.locator('circle[data-series="strict"]')).toHaveCount(2);
  const metrics = (await (await page.request.get(`${backend.url}${url.pathname}${url.search}`, { headers: { authorization: `Bearer ${tokens.operator}` } })).json()) as MetricsResponse;
  expect(metrics.weeks).toHaveLength(2);
  const s = metrics.weeks[0]!.adoptionStrict;
  await expect(adoption.locator('circle[data-series="strict"]').first().locator('title')).toHaveText(new RegExp(`\\(${s.numerator} / ${s.denominator}\\)$`));
  await expect(page.getByRole('combobox')).toHaveValue('custom');
  expect(problems).toEqual([]);
  await page.close();
});
