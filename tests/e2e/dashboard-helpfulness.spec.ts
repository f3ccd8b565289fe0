import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { createToken } from '../../server/src/auth/tokens';
import { runJudgePass } from '../../server/src/judge/run-judge';
import { FAST_RETRY, judgeConfig, prefer, seedImpression, startFakeJudge, ticketIds } from '../../server/test/judge/judge-fixtures';
import { CHROMIUM, startBackend } from './harness';

/**
 * Helpfulness on the Flywheel page, in Chromium against a real `aitl serve` with a judge model
 * configured (a fake judge server): the table carries the numbers /v1/metrics returns, a judge
 * that agrees with the agents says so, and one that disagrees is shown as an alert.
 */
let backend: Awaited<ReturnType<typeof startBackend>>;
let judge: Awaited<ReturnType<typeof startFakeJudge>>;
let browser: Browser;
const operators: Record<'agrees' | 'disagrees', string> = { agrees: '', disagrees: '' };

test.beforeAll(async () => {
  judge = await startFakeJudge();
  backend = await startBackend({ env: { AITL_JUDGE_URL: `${judge.url}/v1`, AITL_JUDGE_MODEL: 'judge-model-1' } });
  const tickets = ticketIds(24, true);
  for (const [t, tenant] of (['agrees', 'disagrees'] as const).entries()) {
    operators[tenant] = (await createToken(backend.db, { tenantId: tenant, role: 'operator', name: 'ops' })).token;
    for (let i = 0; i < 12; i++) {
      const [a, b] = [2 + (i % 4), 1 + ((i * 3) % 4)];
      const shownAt = new Date(Date.now() - (i + 1) * 3_600_000).toISOString();
      const imp = await seedImpression(backend.db, tenant, tickets[t * 12 + i]!, `reply ${i} [score ${a}] <script>document.title='x'</script>`, `reply ${i} [score ${b}]`, shownAt);
      const judgesHigher = a > b ? 'A' : 'B';
      // One tenant's agents choose what the judge scores higher; the other's the opposite.
      if (a !== b) await prefer(backend.db, tenant, imp, tenant === 'agrees' ? judgesHigher : judgesHigher === 'A' ? 'B' : 'A');
    }
    await runJudgePass(backend.db, tenant, judgeConfig(judge.url), { requestedBy: 'e2e', retry: FAST_RETRY });
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});
test.afterAll(async () => {
  await browser?.close();
  await backend?.close();
  await judge?.close();
});

async function flywheel(token: string, width: number): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage({ viewport: { width, height: 1000 } });
  const problems: string[] = [];
  // The browser's own favicon request is no problem of the page's.
  page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && problems.push(`${m.text()} (${m.location().url})`));
  page.on('pageerror', (e) => problems.push(String(e)));
  page.on('response', (r) => r.status() >= 400 && problems.push(`${r.status()} ${r.url()}`));
  await page.goto(`${backend.url}/dashboard/`);
  await page.getByLabel('Operator or admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Helpfulness (judge model)' })).toBeVisible();
  return { page, problems };
}

const metricsOf = async (page: Page, token: string) =>
  (await (await page.request.get(`${backend.url}/v1/metrics`, { headers: { authorization: `Bearer ${token}` } })).json()) as MetricsResponse;

test('the Flywheel page shows helpfulness per arm and model version with the numbers /v1/metrics returns', async ({}, testInfo) => {
  const { page, problems } = await flywheel(operators.agrees, 1280);
  const h = (await metricsOf(page, operators.agrees)).helpfulness;
  if (h.status !== 'scored') throw new Error(h.status);
  expect(h.arms).toHaveLength(2);
  const section = page.getByRole('region', { name: 'Helpfulness (judge model)' });
  await expect(section).toContainText('Judge judge-model-1 on rubric v1');
  for (const arm of h.arms) {
    const row = section.getByRole('row').filter({ hasText: arm.promptVersion });
    await expect(row).toContainText(arm.mean.toFixed(2));
    await expect(row).toContainText(String(arm.n));
    await expect(row).toContainText(`${arm.interval!.low.toFixed(2)}–${arm.interval!.high.toFixed(2)}`);
  }
  expect(h.agreement.verdict).toBe('agrees');
  await expect(section).toContainText(`on ${h.agreement.same} of ${h.agreement.pairs} pairs`);
  await expect(section).toContainText('This judge agrees with the agents.');
  await expect(section.getByRole('alert')).toHaveCount(0);
  expect(await page.title()).toBe('AITL dashboard');
  await section.scrollIntoViewIfNeeded();
  await page.screenshot({ path: testInfo.outputPath('helpfulness-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('helpfulness-1920.png'), fullPage: true });
  expect(problems).toEqual([]);
  await page.close();
});

test('a judge that disagrees with the agents is shown as such', async ({}, testInfo) => {
  const { page } = await flywheel(operators.disagrees, 1280);
  const h = (await metricsOf(page, operators.disagrees)).helpfulness;
  if (h.status !== 'scored') throw new Error(h.status);
  expect(h.agreement.verdict).toBe('disagrees');
  const section = page.getByRole('region', { name: 'Helpfulness (judge model)' });
  await expect(section.getByRole('alert')).toContainText('This judge disagrees with the agents: its scores are not a trustworthy measure of helpfulness.');
  await expect(section.getByRole('alert')).toContainText(`Cohen's kappa ${h.agreement.kappa.kappa!.toFixed(2)}`);
  await section.screenshot({ path: testInfo.outputPath('helpfulness-disagrees-1280.png') });
  await page.close();
});
