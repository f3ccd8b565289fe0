import fs from 'node:fs';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { classifyAdoption, DEFAULT_ADOPTION_THRESHOLDS, type Slot } from '../../lib/contract';
import { editSimilarity } from '../../lib/edit-similarity';
import { agentToken, annotationRows, CASE_PATH, configure, launchBrowser, panel, SALESFORCE, startBackend, ZENDESK, type AnnotationRow } from './harness';

// One backend (the real one, with the demo knowledge base) and one browser for the whole file.
test.describe.configure({ mode: 'serial' });

let backend: Awaited<ReturnType<typeof startBackend>>;
let context: BrowserContext;
let userDataDir: string;
let page: Page;

test.beforeAll(async () => {
  backend = await startBackend({ demo: true });
  const launched = await launchBrowser();
  context = launched.context;
  userDataDir = launched.userDataDir;
  await configure(context, launched.extensionId, { backendUrl: backend.url, token: await agentToken(backend, 'demo', 'jane@acme.example'), pairwiseSamplingRate: 1 });
  page = await context.newPage();
});
test.afterAll(async () => {
  await context?.close();
  await backend?.close();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (backend) fs.rmSync(backend.dataDir, { recursive: true, force: true });
});

/** Waits until the backend holds an annotation matching `where`, and returns it. */
async function row(where: (r: AnnotationRow) => boolean): Promise<AnnotationRow> {
  let found: AnnotationRow | undefined;
  await expect.poll(async () => (found = (await annotationRows(backend)).find(where)) !== undefined, { timeout: 30_000 }).toBe(true);
  return found!;
}

async function shownOrder(): Promise<Slot[]> {
  await expect(panel(page).getByTestId('aitl-reply')).toHaveCount(2);
  return (await panel(page).getByTestId('aitl-reply').evaluateAll((els) => els.map((e) => e.getAttribute('data-arm')))) as Slot[];
}

const composer = (ticketId: string) => page.locator(`[data-ticket-id="${ticketId}"] [data-test-id="omnicomposer-rich-text-ckeditor"]`);

test('each annotation type goes from a click to a row in the database', async () => {
  await page.goto(`${ZENDESK}/agent/tickets/123`);
  const order = await shownOrder();
  // At 1280x720 the panel sits beside the reply box, never over it.
  const [box, reply] = [await panel(page).boundingBox(), await composer('123').boundingBox()];
  expect(box!.x >= reply!.x + reply!.width || box!.y + box!.height <= reply!.y).toBe(true);

  await panel(page).locator(`[data-testid="aitl-prefer"][data-arm="${order[0]}"][data-strength="strong"]`).click();
  await expect(panel(page).getByTestId('aitl-preference-recorded')).toBeVisible();
  const preference = await row((r) => r.type === 'preference');
  expect(preference).toMatchObject({ ticket_id: '123', agent: 'jane@acme.example' });
  expect(preference.body.payload).toEqual({ verdict: order[0], strength: 'strong', shownOrder: order });

  const article = panel(page).getByTestId('aitl-article').first();
  const articleId = await article.getAttribute('data-article-id');
  await article.locator('[data-testid="aitl-relevance"][data-label="partial"]').click();
  const relevance = await row((r) => r.type === 'relevance');
  expect(relevance.body.payload).toMatchObject({ articleId, label: 'partial', rank: 1 });
  expect(relevance.body.impressionId).toBe(preference.body.impressionId);

  await panel(page).getByTestId('aitl-missing-knowledge').click();
  // Typing in the panel never reaches the helpdesk's keyboard shortcuts.
  await page.evaluate(() => document.addEventListener('keydown', () => ((window as { __helpdeskKeys?: number }).__helpdeskKeys = ((window as { __helpdeskKeys?: number }).__helpdeskKeys ?? 0) + 1)));
  await panel(page).getByTestId('aitl-missing-description').pressSequentially('Nothing on refunds for plans bought through the app store');
  expect(await page.evaluate(() => (window as { __helpdeskKeys?: number }).__helpdeskKeys ?? 0)).toBe(0);
  await panel(page).getByTestId('aitl-missing-category').selectOption('billing');
  await panel(page).getByTestId('aitl-missing-submit').click();
  const gap = await row((r) => r.type === 'missing_knowledge');
  expect(gap.body.payload).toEqual({ description: 'Nothing on refunds for plans bought through the app store', category: 'billing' });

  await expect(panel(page).getByTestId('aitl-sync-status')).toHaveAttribute('data-pending', '0');
});

test('the panel collapses and stays collapsed for this agent after a reload', async () => {
  await panel(page).getByTestId('aitl-collapse').click();
  await expect(panel(page)).toHaveAttribute('data-collapsed', 'true');
  await page.reload();
  await expect(panel(page)).toHaveAttribute('data-collapsed', 'true');
  await panel(page).getByTestId('aitl-collapse').click();
  await expect(panel(page)).toHaveAttribute('data-collapsed', 'false');
});

test('insert, edit lightly, send: the adoption says light edit, with the sent text', async () => {
  const order = await shownOrder();
  const reply = (await panel(page).locator(`[data-testid="aitl-reply"][data-arm="${order[0]}"] [data-testid="aitl-reply-text"]`).textContent())!;
  await panel(page).locator(`[data-testid="aitl-insert"][data-arm="${order[0]}"]`).click();
  await expect(composer('123')).toContainText(reply.split('\n')[0]!.slice(0, 40));
  // About a tenth more text at the end: a light edit under the default thresholds.
  const suffix = ' ' + 'Thanks for your patience. '.repeat(Math.max(1, Math.round((reply.length * 0.1) / 26)));
  await composer('123').click();
  await page.keyboard.press('End');
  await page.keyboard.type(suffix.trimEnd());
  await page.locator('[data-ticket-id="123"] [data-test-id="submit_button-button"]').click();
  const adoption = await row((r) => r.type === 'adoption' && r.ticket_id === '123');
  const payload = adoption.body.payload as { outcome: string; slot: string; similarity: number; sentText: string; channel: string };
  expect(payload).toMatchObject({ outcome: 'light_edit', slot: order[0], channel: 'public' });
  expect(payload.sentText).toContain('Thanks for your patience.');
  expect(payload.outcome).toBe(classifyAdoption(editSimilarity(reply, payload.sentText), DEFAULT_ADOPTION_THRESHOLDS));
  await expect(panel(page).getByTestId('aitl-adoption')).toHaveAttribute('data-outcome', 'light_edit');
});

test('a ticket switch re-binds; a discarded reply asks why and records the reason', async () => {
  const first = (await row((r) => r.type === 'preference')).body.impressionId;
  await page.click('a[data-test-id="header-tab"][data-entity-id="456"]');
  await expect(panel(page)).toHaveAttribute('data-ticket-id', '456');
  const order = await shownOrder();
  await panel(page).locator(`[data-testid="aitl-insert"][data-arm="${order[1]}"]`).click();
  await expect(composer('456')).not.toHaveText('');
  await composer('456').click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type('Could you tell me which browser you use? I will check the login logs meanwhile.');
  await page.keyboard.press('Control+Enter');
  await expect(panel(page).getByTestId('aitl-rationale')).toBeVisible();
  await panel(page).locator('[data-testid="aitl-rationale-tag"][data-tag="wrong_issue"]').click();
  await panel(page).getByTestId('aitl-rationale-text').fill('Needed more information first');
  await panel(page).getByTestId('aitl-rationale-submit').click();
  const adoption = await row((r) => r.type === 'adoption' && r.ticket_id === '456');
  expect(adoption.body.payload).toMatchObject({ outcome: 'discarded', slot: order[1], rationaleTags: ['wrong_issue'], rationaleText: 'Needed more information first' });
  expect(adoption.body.impressionId).not.toBe(first);
  // Nothing from ticket 123 was written against 456, or the other way round.
  const rows = await annotationRows(backend);
  const impressionsOf = (ticket: string) => new Set(rows.filter((r) => r.ticket_id === ticket).map((r) => r.body.impressionId));
  for (const id of impressionsOf('456')) expect(impressionsOf('123').has(id)).toBe(false);
});

test('clicks made offline are kept and sync when the network returns', async () => {
  await page.goto(`${ZENDESK}/agent/tickets/123`);
  await shownOrder();
  const before = (await annotationRows(backend)).length;
  await context.setOffline(true);
  const labels = ['relevant', 'irrelevant', 'outdated'];
  const articles = panel(page).getByTestId('aitl-article');
  for (let i = 0; i < 3; i++) await articles.nth(i + 1).locator(`[data-testid="aitl-relevance"][data-label="${labels[i]}"]`).click();
  await expect(panel(page).getByTestId('aitl-sync-status')).toHaveAttribute('data-connection', 'offline');
  await expect(panel(page).getByTestId('aitl-sync-status')).toHaveAttribute('data-pending', '3');
  expect((await annotationRows(backend)).length).toBe(before);
  await context.setOffline(false);
  await expect.poll(async () => (await annotationRows(backend)).length, { timeout: 60_000 }).toBe(before + 3);
  await expect(panel(page).getByTestId('aitl-sync-status')).toHaveAttribute('data-pending', '0');
});

test('on Salesforce (native shadow DOM): binds to the active case and records an inserted Chatter post', async () => {
  await page.goto(`${SALESFORCE}${CASE_PATH}?shadow=1`);
  await expect(panel(page)).toHaveAttribute('data-ticket-id', '5005g00000AbCdEAAV');
  await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText('Refund not received');
  const order = await shownOrder();
  await panel(page).locator(`[data-testid="aitl-insert"][data-arm="${order[0]}"]`).click();
  await expect(page.locator('.tabContent.active .ql-editor')).not.toHaveText('');
  await page.locator('.tabContent.active .forceChatterPublisherPresentationDesktop .cuf-publisherShareButton').click();
  const adoption = await row((r) => r.type === 'adoption' && r.ticket_id === '5005g00000AbCdEAAV');
  expect(adoption.body.payload).toMatchObject({ outcome: 'as_is', slot: order[0], channel: 'internal' });
});

test('on Salesforce (light DOM): the email body inside the nested CKEditor iframes takes the reply; Send records a public adoption', async () => {
  await page.goto(`${SALESFORCE}${CASE_PATH}`);
  await expect(panel(page)).toHaveAttribute('data-ticket-id', '5005g00000AbCdEAAV');
  await page.locator('.tabContent.active a[role="tab"][data-target-selection-name="Case.SendEmailTab"]').click();
  const order = await shownOrder();
  const reply = (await panel(page).locator(`[data-testid="aitl-reply"][data-arm="${order[1]}"] [data-testid="aitl-reply-text"]`).textContent())!;
  await panel(page).locator(`[data-testid="aitl-insert"][data-arm="${order[1]}"]`).click();
  const body = page.frameLocator('.tabContent.active iframe[title="CK Editor Container"]').frameLocator('iframe[title="Email Body"]').locator('body');
  await expect(body).toContainText(reply.split('\n')[0]!.slice(0, 30));
  await page.locator('.tabContent.active .cuf-publisherShareButton.send').click();
  const adoption = await row((r) => r.type === 'adoption' && r.ticket_id === '5005g00000AbCdEAAV' && (r.body.payload as { channel?: string }).channel === 'public');
  expect(adoption.body.payload).toMatchObject({ outcome: 'as_is', slot: order[1] });
});
