import fs from 'node:fs';
import { chromium, expect, test, type Browser } from '@playwright/test';
import type { BatchDetailResponse, BatchListResponse } from '../../dashboard/src/batches-api';
import type { GapClusterList } from '../../lib/contract/knowledge-gap-cluster';
import type { KnowledgeGapList } from '../../lib/contract/knowledge-gap';
import { SCRIPT_GAP, SHIPPING_ARTICLE, seedGapsAndBatches } from './dashboard-pages-seed';
import { seedFlywheel } from './dashboard-seed';
import { openDashboard as openTab, signIn } from './dashboard-session';
import { CHROMIUM, startBackend } from './harness';

/**
 * The dashboard's Knowledge gaps and Batches pages in Chromium against a real `aitl serve`: the
 * numbers the API returns, a gap resolved from the page (and closed in the API), report markup
 * shown as text, drift plotted across two batch generations, and a file downloaded through
 * fetch + Blob without the token in any URL.
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

const openDashboard = (width: number) => openTab(browser, backend.url, width);

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
  const current = manifest.drift.current;
  const gens = [...manifest.drift.history.map((h) => h.metrics), current];
  // Synthetic share and SFT distinct-2 every generation; the model's and the agents' distinct-2 where recorded.
  const recorded = gens.filter((m) => m.modelDistinct2 !== undefined).length + gens.filter((m) => m.humanDistinct2 !== undefined).length;
  expect(gens.filter((m) => m.humanDistinct2 !== undefined).length).toBeGreaterThan(0);
  await expect(sft.locator('circle')).toHaveCount(2 * gens.length + recorded);
  await expect(sft.locator('circle[data-series="distinct-2 of SFT replies"]').last().locator('title')).toContainText(`batch 2: ${current.distinct2.toFixed(3)}`);
  await expect(sft.locator('circle[data-series="distinct-2 of human-written replies"]').last().locator('title')).toContainText(`batch 2: ${current.humanDistinct2!.toFixed(3)}`);
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
