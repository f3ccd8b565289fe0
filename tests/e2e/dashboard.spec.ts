import fs from 'node:fs';
import { chromium, expect, test, type Browser, type Page } from '@playwright/test';
import type { AgreementResponse } from '../../lib/contract/agreement';
import type { BatchDetailResponse, BatchListResponse } from '../../dashboard/src/batches-api';
import type { GapClusterList } from '../../lib/contract/knowledge-gap-cluster';
import type { KnowledgeGapList } from '../../lib/contract/knowledge-gap';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { SCRIPT_GAP, SHIPPING_ARTICLE, seedGapsAndBatches } from './dashboard-pages-seed';
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
  await seedGapsAndBatches(backend.db, 'dash');
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
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
  });
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

test('an operator resolves a knowledge gap from the page, and markup in a report stays text', async ({}, testInfo) => {
  const { page, problems } = await openDashboard(1280);
  await signIn(page, tokens.operator);
  await page.getByRole('button', { name: 'Knowledge gaps' }).click();
  await expect(page.getByRole('button', { name: 'Knowledge gaps' })).toHaveAttribute('aria-current', 'page');
  await expect(page.getByRole('heading', { name: 'Knowledge gaps' })).toBeVisible();
  const auth = { headers: { authorization: `Bearer ${tokens.operator}` } };
  const { clusters } = (await (await page.request.get(`${backend.url}/v1/gaps/clusters`, auth)).json()) as GapClusterList;
  const shipping = clusters.find((c) => c.description.toLowerCase().startsWith('shipping'))!;
  expect(shipping.count).toBe(3);

  // The chart draws each open cluster's count, as the API reports it.
  const chart = page.getByRole('figure').filter({ hasText: 'Open reports per cluster' });
  await expect(chart.locator('rect')).toHaveCount(clusters.filter((c) => c.openGaps.length > 0).length);
  await expect(chart.locator(`rect[data-label="${shipping.description}"] title`)).toHaveText(`${shipping.description}: 3 open of 3 reports (gaps ${shipping.gaps.join(', ')})`);
  const card = page.getByRole('article').filter({ has: page.getByRole('heading', { name: shipping.description }) });
  await expect(card).toContainText(`3 reports (gaps ${shipping.gaps.join(', ')}), 3 open`);
  for (const e of shipping.evidence) await expect(card).toContainText(`${e.ticket.platform} ticket ${e.ticket.ticketId}`);
  for (const a of shipping.shownArticles) await expect(card).toContainText(`${a.title} (on ${a.reports} of 3 reports)`);

  // The markup is text on the page: no element, no script run.
  await expect(page.getByRole('heading', { name: SCRIPT_GAP })).toBeVisible();
  expect(await page.locator('main img, main script').count()).toBe(0);
  expect(await page.title()).toBe('AITL dashboard');
  await page.screenshot({ path: testInfo.outputPath('gaps-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('gaps-1920.png'), fullPage: true });

  // A wrong article id is refused with the server's reason, and nothing is closed.
  const articleField = card.getByLabel('Resolved by article (its id in the source)');
  await articleField.fill('no-such-article');
  await card.getByRole('button', { name: 'Mark 3 gaps resolved' }).click();
  await expect(card.getByRole('alert')).toContainText('no article with id "no-such-article"');
  await articleField.fill(SHIPPING_ARTICLE.externalId);
  await card.getByRole('button', { name: 'Mark 3 gaps resolved' }).click();
  await expect(page.getByRole('status')).toHaveText(`Closed gaps ${shipping.gaps.join(', ')} with “${SHIPPING_ARTICLE.title}”.`);
  await expect(page.getByRole('heading', { name: shipping.description })).toHaveCount(0);

  // The API, as the CLI reads it, shows the gaps closed by that article, by this operator.
  const { gaps } = (await (await page.request.get(`${backend.url}/v1/gaps`, auth)).json()) as KnowledgeGapList;
  for (const n of shipping.gaps) expect(gaps.find((g) => g.number === n)!.resolved).toMatchObject({ externalId: SHIPPING_ARTICLE.externalId, by: 'ops' });
  await page.getByLabel('Show resolved clusters too').check();
  await expect(page.getByRole('article').filter({ hasText: `${SHIPPING_ARTICLE.title} (${SHIPPING_ARTICLE.externalId}), 3 gaps` })).toBeVisible();
  // Only the refused resolve failed (Chromium logs every 4xx once more as a console error).
  expect(problems.filter((p) => !p.startsWith('Failed to load resource: the server responded with a status of 404'))).toEqual([`404 /v1/gaps/${shipping.gaps[0]}/resolve`]);
  await page.close();
});

test('the batches page plots provenance, PII and drift across generations, and downloads a file', async ({}, testInfo) => {
  const { page, problems } = await openDashboard(1280);
  await signIn(page, tokens.operator);
  await page.getByRole('button', { name: 'Batches' }).click();
  const auth = { headers: { authorization: `Bearer ${tokens.operator}` } };
  const { batches } = (await (await page.request.get(`${backend.url}/v1/batches`, auth)).json()) as BatchListResponse;
  expect(batches.map((b) => b.status)).toEqual(['complete', 'complete']);
  const list = page.getByRole('table').filter({ hasText: 'Rows per file' });
  const row = list.getByRole('row').filter({ has: page.getByRole('button', { name: 'Batch 2', exact: true }) });
  await expect(row).toContainText(String(batches[1]!.rows['sft.jsonl']));
  await expect(page.getByRole('button', { name: 'Batch 2', exact: true })).toHaveAttribute('aria-pressed', 'true');

  const detail = (await (await page.request.get(`${backend.url}/v1/batches/2`, auth)).json()) as BatchDetailResponse;
  const manifest = detail.manifest!;
  expect(manifest.drift.history.map((h) => h.batch)).toEqual([1]);
  const sft = page.getByRole('figure').filter({ hasText: 'synthetic share and distinct-2' });
  await expect(sft.locator('circle')).toHaveCount(4);
  const current = manifest.drift.current;
  await expect(sft.locator('circle[data-series="distinct-2 of SFT replies"]').last().locator('title')).toContainText(`batch 2: ${current.distinct2.toFixed(3)}`);
  const outcomes = page.getByRole('figure').filter({ hasText: 'Adoption outcomes' });
  const [outcome, outcomeShare] = Object.entries(current.outcomeShares)[0]!;
  await expect(outcomes.locator(`circle[data-series="${outcome}"]`).last().locator('title')).toContainText(
    `(${Math.round(outcomeShare * current.adoptions!)} / ${current.adoptions})`,
  );
  // Provenance: every row of every file, as shares with their counts; PII counts per kind.
  const provenance = page.getByRole('figure').filter({ hasText: 'Provenance of the rows' });
  const counts = new Map<string, number>();
  for (const perFile of Object.values(manifest.provenance)) for (const [p, n] of Object.entries(perFile)) counts.set(p, (counts.get(p) ?? 0) + n);
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  await expect(provenance.locator('rect')).toHaveCount(counts.size);
  const [kind, n] = [...counts][0]!;
  await expect(provenance.locator(`rect[data-label="${kind}"] title`)).toContainText(`(${n} / ${total})`);
  await expect(page.getByRole('figure').filter({ hasText: 'PII redacted' }).locator('rect')).toHaveCount(Object.keys(manifest.redaction).length);
  const warnings = [...new Set([...manifest.warnings, ...manifest.drift.warnings])];
  if (warnings.length > 0) for (const w of warnings) await expect(page.getByRole('note', { name: 'Warnings' })).toContainText(w);
  else await expect(page.getByText('No warnings: the drift checks passed.')).toBeVisible();
  // The table alternative of a drift chart carries the same numbers.
  await sft.getByRole('button', { name: 'Show table' }).click();
  await expect(sft.getByRole('table')).toContainText('batch 1');
  await page.screenshot({ path: testInfo.outputPath('batches-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.screenshot({ path: testInfo.outputPath('batches-1920.png'), fullPage: true });

  // Download through fetch + Blob: the file is the API's, byte for byte, and the token is in no URL.
  const urls: string[] = [];
  page.on('request', (r) => urls.push(r.url()));
  const saved = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Download sft.jsonl of batch 2' }).click();
  const download = await saved;
  expect(download.suggestedFilename()).toBe('batch-2-sft.jsonl');
  const body = fs.readFileSync((await download.path())!, 'utf8');
  const expected = await (await page.request.get(`${backend.url}/v1/batches/2/files/sft.jsonl`, auth)).text();
  expect(body).toBe(expected);
  expect(body.trimEnd().split('\n')).toHaveLength(manifest.files.find((f) => f.name === 'sft.jsonl')!.rows);
  expect(urls.some((u) => u.includes(tokens.operator))).toBe(false);
  expect(await page.context().cookies()).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});
