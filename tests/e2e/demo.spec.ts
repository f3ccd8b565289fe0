import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { DEFAULT_DEMO_PORT, demoHostPattern } from '../../demo/launch/demo-origin';
import { DEMO_AGENT } from '../../demo/launch/demo-tokens';
import { DEMO_EXTENSION_PATH, startDemo, type RunningDemo } from '../../demo/launch/start-demo';
import { EXTENSION_PATH, panel, tempDir } from './harness';

/**
 * `npm run demo`, headless, through its library entry (the command is a thin shell around it): the
 * demo helpdesk served by aitl serve --demo, the demo build of the extension configured by the
 * command itself, the panel on the demo tickets, clicks reaching the database and the dashboard.
 */
let demo: RunningDemo;
let dataDir: string;

test.describe('npm run demo, headless', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async () => {
    dataDir = tempDir('aitl-e2e-demo-');
    demo = await startDemo({ headless: true, dataDir, viewport: { width: 1280, height: 800 } });
  });
  test.afterAll(async () => {
    await demo?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  interface Row {
    type: string;
    ticket_id: string;
    agent: string;
    tenant_id: string;
    body: { payload: Record<string, unknown>; impressionId: string };
  }

  async function row(where: (r: Row) => boolean): Promise<Row> {
    let found: Row | undefined;
    await expect
      .poll(async () => {
        const { rows } = await demo.backend.db.query<Row>('SELECT type, ticket_id, agent, tenant_id, body FROM annotations ORDER BY seq');
        return (found = rows.find(where)) !== undefined;
      }, { timeout: 30_000 })
      .toBe(true);
    return found!;
  }

  /** The panel stands beside the conversation: the last message and the reply box are not under it. */
  async function expectTicketReadable(page: Page, ticketId: string) {
    const box = (await panel(page).boundingBox())!;
    for (const target of [page.locator(`[data-ticket-id="${ticketId}"] article[data-test-id="omni-log-comment-item"]`).last(), page.locator(`[data-ticket-id="${ticketId}"] [data-test-id="omnicomposer-rich-text-ckeditor"]`)]) {
      const other = (await target.boundingBox())!;
      const apart = box.x >= other.x + other.width || box.x + box.width <= other.x || box.y >= other.y + other.height || box.y + box.height <= other.y;
      expect(apart, `the panel ${JSON.stringify(box)} covers ${JSON.stringify(other)}`).toBe(true);
    }
  }

  async function shownOrder(page: Page): Promise<string[]> {
    await expect(panel(page).getByTestId('aitl-reply')).toHaveCount(2);
    return (await panel(page).getByTestId('aitl-reply').evaluateAll((els) => els.map((e) => e.getAttribute('data-arm')))) as string[];
  }

  test('the demo opens on a demo ticket with the panel showing suggestions', async ({}, testInfo) => {
    const { page } = demo;
    await expect(page).toHaveURL(/\/agent\/tickets\/50001$/);
    await expect(page.locator('a[data-test-id="header-tab"]')).toHaveCount(6);
    await expect(page.locator('[data-ticket-id="50001"] article[data-test-id="omni-log-comment-item"]')).toContainText('upgraded to the yearly Protect Plus plan');
    await expect(panel(page)).toHaveAttribute('data-ticket-id', '50001');
    await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText('Refund for annual plan');
    await shownOrder(page);
    await expect(panel(page).getByTestId('aitl-article').first()).toBeVisible();
    await expectTicketReadable(page, '50001');
    await page.screenshot({ path: testInfo.outputPath('demo-ticket-1280.png') });
  });

  test('a preference, a relevance click and a sent reply reach the database as the demo agent', async () => {
    const { page } = demo;
    const order = await shownOrder(page);
    await panel(page).locator(`[data-testid="aitl-prefer"][data-arm="${order[1]}"][data-strength="clear"]`).click();
    const preference = await row((r) => r.type === 'preference');
    expect(preference).toMatchObject({ ticket_id: '50001', agent: DEMO_AGENT, tenant_id: 'demo' });
    expect(preference.body.payload).toMatchObject({ verdict: order[1], strength: 'clear', shownOrder: order });

    const article = panel(page).getByTestId('aitl-article').first();
    await article.locator('[data-testid="aitl-relevance"][data-label="relevant"]').click();
    const relevance = await row((r) => r.type === 'relevance');
    expect(relevance.body.payload).toMatchObject({ articleId: await article.getAttribute('data-article-id'), label: 'relevant', rank: 1 });
    expect(relevance.body.impressionId).toBe(preference.body.impressionId);

    // Insert lands in the demo helpdesk's reply box; "Submit" adds it to the conversation.
    const reply = (await panel(page).locator(`[data-testid="aitl-reply"][data-arm="${order[0]}"] [data-testid="aitl-reply-text"]`).textContent())!;
    await panel(page).locator(`[data-testid="aitl-insert"][data-arm="${order[0]}"]`).click();
    const composer = page.locator('[data-ticket-id="50001"] [data-test-id="omnicomposer-rich-text-ckeditor"]');
    await expect(composer).toContainText(reply.split('\n')[0]!.slice(0, 40));
    await page.locator('[data-ticket-id="50001"] [data-test-id="submit_button-button"]').click();
    await expect(page.locator('[data-ticket-id="50001"] article[data-author-role="agent"]')).toContainText(reply.split('\n')[0]!.slice(0, 40));
    const adoption = await row((r) => r.type === 'adoption' && r.ticket_id === '50001');
    expect(adoption.body.payload).toMatchObject({ outcome: 'as_is', slot: order[0], channel: 'public' });
    await expect(panel(page).getByTestId('aitl-sync-status')).toHaveAttribute('data-pending', '0');
  });

  test('switching tabs re-binds the panel to the other ticket', async ({}, testInfo) => {
    const { page } = demo;
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.click('a[data-test-id="header-tab"][data-entity-id="50016"]');
    await expect(page).toHaveURL(/\/agent\/tickets\/50016$/);
    await expect(panel(page)).toHaveAttribute('data-ticket-id', '50016');
    await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText('apple home');
    await shownOrder(page);
    await panel(page).getByTestId('aitl-article').first().locator('[data-testid="aitl-relevance"][data-label="partial"]').click();
    const relevance = await row((r) => r.type === 'relevance' && r.ticket_id === '50016');
    const first = await row((r) => r.type === 'preference' && r.ticket_id === '50001');
    expect(relevance.body.impressionId).not.toBe(first.body.impressionId);
    await expectTicketReadable(page, '50016');
    await page.screenshot({ path: testInfo.outputPath('demo-switched-1920.png') });
  });

  test('at 1440 px too the panel leaves the conversation and the reply box readable', async ({}, testInfo) => {
    const { page } = demo;
    await page.setViewportSize({ width: 1440, height: 900 });
    await expect(panel(page)).toHaveAttribute('data-ticket-id', '50016');
    // The panel re-measures on resize.
    await expect.poll(async () => (await panel(page).boundingBox())!.x + (await panel(page).boundingBox())!.width).toBeLessThanOrEqual(1440);
    await expectTicketReadable(page, '50016');
    await page.screenshot({ path: testInfo.outputPath('demo-1440.png') });
  });

  test('the dashboard counts the clicks', async ({}, testInfo) => {
    const headers = { authorization: `Bearer ${demo.tokens.operator}` };
    const metrics = (await (await demo.page.request.get(`${demo.url}/v1/metrics`, { headers })).json()) as MetricsResponse;
    const week = metrics.weeks.at(-1)!;
    expect(week.impressions).toBeGreaterThanOrEqual(2);
    // The one preference is a comparison for each of the two arms shown.
    expect(week.arms.map((a) => a.comparisons).sort()).toEqual([1, 1]);
    expect(week.precisionAt8.denominator).toBe(2);
    expect(week.adoptionStrict.numerator).toBe(1);

    const page = await demo.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(demo.dashboardUrl);
    await page.getByLabel('Operator or admin token').fill(demo.tokens.operator);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Flywheel' })).toBeVisible();
    await page.screenshot({ path: testInfo.outputPath('demo-dashboard-1280.png'), fullPage: true });
    await page.close();
  });

  test('the demo keeps its tokens for the next start, readable by this user only', async () => {
    const saved = JSON.parse(fs.readFileSync(path.join(dataDir, 'demo-tokens.json'), 'utf8')) as { agent: string };
    expect(saved.agent).toBe(demo.tokens.agent);
    expect((fs.statSync(path.join(dataDir, 'demo-tokens.json')).mode & 0o077).toString(8)).toBe('0');
  });

});

/** What the production manifest grants, exactly: the demo work must never widen it. */
const PRODUCTION = {
  permissions: ['storage', 'alarms', 'unlimitedStorage', 'scripting', 'identity'],
  host_permissions: ['https://*.zendesk.com/*', 'https://*.lightning.force.com/*'],
  optional_host_permissions: ['https://*/*', 'http://*/*'],
  // In the order WXT writes them (entrypoints/helpdesk.content.ts).
  contentScriptMatches: [['https://*.lightning.force.com/lightning/*', 'https://*.zendesk.com/agent/*']],
};

test('the production manifest is unchanged; the demo build adds only the local demo origin', () => {
  const read = (dir: string) => JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown> & { name: string; content_scripts: { matches: string[] }[] };
  const production = read(EXTENSION_PATH);
  expect(production.permissions).toEqual(PRODUCTION.permissions);
  expect(production.host_permissions).toEqual(PRODUCTION.host_permissions);
  expect(production.optional_host_permissions).toEqual(PRODUCTION.optional_host_permissions);
  expect(production.content_scripts.map((c) => c.matches)).toEqual(PRODUCTION.contentScriptMatches);
  expect(JSON.stringify(production)).not.toContain('127.0.0.1');

  const demoBuild = read(DEMO_EXTENSION_PATH);
  const { name, host_permissions, ...rest } = demoBuild;
  const { name: productionName, host_permissions: _productionHosts, ...productionRest } = production;
  expect(rest).toEqual(productionRest);
  expect(name).toBe(`${productionName} (demo)`);
  expect(host_permissions).toEqual([...PRODUCTION.host_permissions, demoHostPattern(DEFAULT_DEMO_PORT)]);
});
