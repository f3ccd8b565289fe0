import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { importKnowledgeBase } from '../../server/src/knowledge/import';
import { readRtArticles } from '../../server/src/knowledge/sources/rt';
import { RT_AGENT, rtMissing, seedTicket, startRt, type RtInstance } from '../rt/rt-instance';
import { agentToken, annotationRows, configure, EXTENSION_PATH, launchBrowser, panel, startBackend, tempDir, type AnnotationRow } from './harness';

/**
 * The one browser test against a real helpdesk: Request Tracker 5 from Debian, initialised in a
 * temp folder, its standalone server on a free port, tickets made through its REST API, and the
 * built extension driving RT's own pages and its real CKEditor 4.
 */
const missing = rtMissing();
test.describe.configure({ mode: 'serial' });
test.skip(missing !== null, `skipped: ${missing}`);

let rt: RtInstance;
let backend: Awaited<ReturnType<typeof startBackend>>;
let context: BrowserContext;
let worker: Worker;
let extensionId: string;
let userDataDir: string;
let page: Page;

const TICKET = {
  subject: 'Doorbell rings but the chime stays silent',
  question: 'Hi, my doorbell rings on my phone but the chime in the hall stays silent.\nI already replaced the battery.',
  reply: 'Hello Jane,\nis the chime paired with the doorbell in the app?',
  comment: 'Firmware 2.3 has a known chime pairing bug; check the version first.',
};

/**
 * The built extension, with one change to its manifest: RT's test host among the hosts Chrome lets
 * the user switch on in chrome://extensions. Chromium gives automation no way to answer the prompt
 * of `permissions.request` (microsoft/playwright#32755), but chrome://extensions' "site access"
 * (developerPrivate) grants and withholds such a host as a user does there; the extension starts
 * with it withheld, as a fresh install starts without access to an optional host.
 */
function extensionWithGrantableRtHost(): string {
  const copy = tempDir('aitl-e2e-ext-');
  fs.cpSync(EXTENSION_PATH, copy, { recursive: true });
  const manifestPath = path.join(copy, 'manifest.json');
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { host_permissions: string[] };
  manifest.host_permissions.push('http://127.0.0.1/*');
  fs.writeFileSync(manifestPath, JSON.stringify(manifest));
  return copy;
}

/** What the user does under chrome://extensions → AITL → Site access. */
async function siteAccess(action: 'grant' | 'withhold', pattern: string) {
  const page = await context.newPage();
  await page.goto(`chrome://extensions/?id=${extensionId}`);
  await page.evaluate(
    async ({ id, action, pattern }) => {
      const dp = (globalThis as unknown as { chrome: { developerPrivate: Record<string, (id: string, host: string) => Promise<void>> } }).chrome.developerPrivate;
      await (action === 'grant' ? dp.addHostPermission!(id, pattern) : dp.removeHostPermission!(id, pattern));
    },
    { id: extensionId, action, pattern },
  );
  await page.close();
}

let extensionCopy: string;

/** RT's own knowledge base, which the suggestions then draw on (aitl kb import --format rt, in-process). */
const ARTICLES = [
  { Name: 'Chime stays silent', Summary: 'Pair the chime again', html: '<p>If the doorbell rings on your phone but the chime stays silent, open the app, choose <b>Chime</b>, remove it and pair it again. Check the chime firmware is 2.4 or later.</p>' },
  { Name: 'Doorbell battery', Summary: 'Charging the doorbell', html: '<p>Charge the doorbell battery with the USB-C cable for four hours. A full battery lasts about three months.</p>' },
  { Name: 'Refund timing', Summary: 'When refunds arrive', html: '<p>Refunds reach your card within 5 to 10 business days.</p>' },
];
const TENANT = 'rt-e2e';

test.beforeAll(async () => {
  [rt, backend] = await Promise.all([startRt(), startBackend()]);
  for (const a of ARTICLES) await rt.rest('POST', '/article', { Name: a.Name, Class: 'General', Summary: a.Summary, CustomFields: { Content: a.html } });
  await importKnowledgeBase(backend.db, { tenantId: TENANT, source: 'rt', origin: rt.origin, parsed: await readRtArticles({ url: rt.origin, token: rt.authToken() }) });
  extensionCopy = extensionWithGrantableRtHost();
  const launched = await launchBrowser({ extensionPath: extensionCopy });
  ({ context, worker, extensionId, userDataDir } = launched);
  await siteAccess('withhold', 'http://127.0.0.1/*');
  await configure(context, extensionId, { backendUrl: backend.url, token: await agentToken(backend, TENANT, 'enoch@rt.example'), pairwiseSamplingRate: 0 });
  page = await context.newPage();
});
test.afterAll(async () => {
  await context?.close();
  await backend?.close();
  await rt?.stop();
  if (userDataDir) fs.rmSync(userDataDir, { recursive: true, force: true });
  if (extensionCopy) fs.rmSync(extensionCopy, { recursive: true, force: true });
  if (backend) fs.rmSync(backend.dataDir, { recursive: true, force: true });
});

async function row(where: (r: AnnotationRow) => boolean): Promise<AnnotationRow> {
  let found: AnnotationRow | undefined;
  await expect.poll(async () => (found = (await annotationRows(backend)).find(where)) !== undefined, { timeout: 30_000 }).toBe(true);
  return found!;
}

const registeredSites = () => worker.evaluate(async () => (await chrome.scripting.getRegisteredContentScripts()).map((s) => ({ id: s.id, matches: s.matches })));

async function saveCustomSites(origins: string[]) {
  const options = await context.newPage();
  await options.goto(`chrome-extension://${extensionId}/options.html`);
  const sites = options.getByTestId('aitl-custom-sites');
  for (const remove of await sites.getByTestId('aitl-custom-site-remove').all()) await remove.click();
  for (const origin of origins) {
    await sites.getByTestId('aitl-custom-site-add').click();
    await sites.getByTestId('aitl-custom-site-origin').last().fill(origin);
  }
  await sites.getByTestId('aitl-custom-sites-save').click();
  await expect(sites.getByTestId('aitl-custom-sites-message')).toBeVisible();
  const text = await sites.getByTestId('aitl-custom-sites-message').textContent();
  await options.close();
  return text;
}

test('RT on its own origin gets the content script only once access is granted, and loses it when removed', async () => {
  const id = `aitl-site:${rt.origin}`;
  const pattern = `${rt.origin}/*`;
  // Saved on the options page; Chrome would now ask the agent for access, which nobody has given yet.
  expect(await saveCustomSites([`${rt.origin}/`])).toMatch(/^Sites saved\. Chrome now asks for access/);
  expect(await registeredSites()).not.toContainEqual(expect.objectContaining({ id }));
  await siteAccess('grant', pattern);
  await expect.poll(registeredSites, { timeout: 60_000 }).toContainEqual({ id, matches: [pattern] });
  // Access taken back: the script goes too; given again: it comes back.
  await siteAccess('withhold', pattern);
  await expect.poll(registeredSites, { timeout: 60_000 }).not.toContainEqual(expect.objectContaining({ id }));
  await siteAccess('grant', pattern);
  await expect.poll(registeredSites, { timeout: 60_000 }).toContainEqual(expect.objectContaining({ id }));
  // The site taken off the list: unregistered; put back (access still granted): registered at once.
  expect(await saveCustomSites([])).toBe('Sites saved.');
  await expect.poll(registeredSites, { timeout: 60_000 }).not.toContainEqual(expect.objectContaining({ id }));
  expect(await saveCustomSites([rt.origin])).toBe('Sites saved.');
  expect(await registeredSites()).toContainEqual(expect.objectContaining({ id }));
});

test('on a real RT: the panel binds, the reply goes into CKEditor 4, Update Ticket records the adoption, a relevance click is stored', async () => {
  const ticketId = await seedTicket(rt, TICKET);
  // Signed in as the agent: RT's login form, posted from this browser (its session cookie is the page's).
  const login = await context.request.post(`${rt.origin}/NoAuth/Login.html`, { form: { user: RT_AGENT.user, pass: RT_AGENT.password } });
  expect(login.ok()).toBe(true);

  await page.goto(`${rt.origin}/Ticket/Display.html?id=${ticketId}`);
  await expect(panel(page)).toHaveAttribute('data-ticket-id', ticketId);
  await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText(TICKET.subject);
  await expect(panel(page).getByTestId('aitl-reply')).toHaveCount(1);
  // RT lays its page out in the flow: its content (#body) is narrowed, the menus keep their width, the panel docks below them.
  await expect(panel(page)).toHaveAttribute('data-placement', 'docked');
  await page.screenshot({ path: test.info().outputPath('rt-1280-docked.png') });
  const { rows: impressions } = await backend.db.query<{ context: { messages: { role: string; text: string; author?: string }[] } }>("SELECT context FROM impressions WHERE ticket_id = $1", [ticketId]);
  expect(impressions).toHaveLength(1);
  // The history as RT shows it: the requestor's email, the staff reply, the internal comment.
  expect(impressions[0]!.context.messages.map((m) => [m.role, m.text])).toEqual([
    ['customer', TICKET.question],
    ['agent', TICKET.reply],
    ['internal', TICKET.comment],
  ]);

  // The article RT itself holds on this problem, linked to its page in RT.
  const article = panel(page).getByTestId('aitl-article').first();
  await expect(article).toContainText('Chime stays silent');
  await expect(article.locator('a')).toHaveAttribute('href', new RegExp(`^${rt.origin}/Articles/Article/Display\\.html\\?id=\\d+$`));
  const articleId = await article.getAttribute('data-article-id');
  await article.locator('[data-testid="aitl-relevance"][data-label="relevant"]').click();
  const relevance = await row((r) => r.type === 'relevance');
  expect(relevance).toMatchObject({ ticket_id: ticketId });
  expect(relevance.body.payload).toMatchObject({ articleId, label: 'relevant' });

  // RT's reply form is a page of its own: the same impression follows the agent there.
  await page.goto(`${rt.origin}/Ticket/Update.html?id=${ticketId}&Action=Respond`);
  await expect(panel(page)).toHaveAttribute('data-ticket-id', ticketId);
  const replyText = (await panel(page).getByTestId('aitl-reply-text').first().textContent())!.trim();
  await panel(page).getByTestId('aitl-insert').first().click();
  const editor = page.frameLocator('#cke_UpdateContent iframe.cke_wysiwyg_frame').locator('body');
  await expect(editor).toContainText(replyText.split('\n')[0]!.slice(0, 60));
  expect(await page.evaluate(() => (window as unknown as { CKEDITOR: { instances: Record<string, { getData(): string }> } }).CKEDITOR.instances.UpdateContent!.getData())).toContain(replyText.split('\n')[0]!.slice(0, 40));

  await Promise.all([page.waitForURL(/\/Ticket\/Display\.html/), page.locator('input[name="SubmitTicket"]').click()]);
  const adoption = await row((r) => r.type === 'adoption');
  expect(adoption).toMatchObject({ ticket_id: ticketId });
  expect(adoption.body.payload).toMatchObject({ outcome: 'as_is', channel: 'public' });
  expect(adoption.body.impressionId).toBe(relevance.body.impressionId);
  // What RT recorded (its newest reply, read back through REST 2) is what the adoption says was sent.
  const history = await rt.rest<{ items: { id: string; Type: string }[] }>('GET', `/ticket/${ticketId}/history?per_page=100&fields=Type`);
  const reply = history.items.filter((t) => t.Type === 'Correspond').at(-1)!;
  const parts = await rt.rest<{ items: { Content?: string; ContentType: string }[] }>('GET', `/transaction/${reply.id}/attachments?fields=Content,ContentType`);
  const recorded = parts.items.filter((a) => a.Content && a.ContentType.startsWith('text/')).map((a) => a.Content!).join('\n');
  const firstLine = replyText.split('\n')[0]!.slice(0, 40);
  expect(recorded.replace(/<[^>]+>/g, '').replace(/&#39;|&rsquo;/g, "'")).toContain(firstLine);
  expect(String(adoption.body.payload.sentText)).toContain(firstLine);
  const { rows: after } = await backend.db.query('SELECT id FROM impressions WHERE ticket_id = $1', [ticketId]);
  expect(after).toHaveLength(1);
});

declare const chrome: { scripting: { getRegisteredContentScripts(): Promise<{ id: string; matches?: string[] }[]> } };
