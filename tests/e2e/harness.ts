import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, expect, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { loadConfig } from '../../server/src/config';
import { createToken } from '../../server/src/auth/tokens';
import { serve, type RunningServer } from '../../server/src/serve';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const EXTENSION_PATH = path.join(ROOT, '.output/chrome-mv3');
const FIXTURES = path.join(ROOT, 'tests/fixtures');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const ZENDESK = 'https://acme.zendesk.com';
export const SALESFORCE = 'https://acme.lightning.force.com';
export const CASE_PATH = '/lightning/r/Case/5005g00000AbCdEAAV/view';
const ZENDESK_ME_PATH = '/api/v2/users/me.json';
/** The agent signed in to the Zendesk fixture, as `users/me.json` describes them (fields as Zendesk documents them). */
export const ZENDESK_AGENT = { id: 900001, url: `${ZENDESK}/api/v2/users/900001.json`, name: 'Sam Agent', email: 'Sam.Agent@acme.example', role: 'agent', active: true, verified: true };

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The real backend, in this process, on an embedded database in a temp folder (the test reads its rows). */
export async function startBackend(opts: { dataDir?: string; port?: number; demo?: boolean; env?: Record<string, string> } = {}): Promise<RunningServer & { dataDir: string }> {
  const dataDir = opts.dataDir ?? tempDir('aitl-e2e-db-');
  const config = loadConfig({ AITL_DATA_DIR: dataDir, PORT: String(opts.port ?? 0), HOST: '127.0.0.1', AITL_LOG_LEVEL: 'warn', ...opts.env });
  const running = await serve(config, { demo: opts.demo ?? false });
  return { ...running, dataDir };
}

export async function agentToken(backend: RunningServer, tenant = 'e2e', name = 'e2e-agent'): Promise<string> {
  return (await createToken(backend.db, { tenantId: tenant, role: 'agent', name })).token;
}

export interface AnnotationRow {
  id: string;
  type: string;
  ticket_id: string;
  agent: string;
  body: { payload: Record<string, unknown>; impressionId: string };
}

export async function annotationRows(backend: RunningServer): Promise<AnnotationRow[]> {
  const { rows } = await backend.db.query<AnnotationRow>('SELECT id::text AS id, type, ticket_id, agent, body FROM annotations ORDER BY seq');
  return rows;
}

/** Chromium with the built extension loaded, fixtures answering at the helpdesks' real URLs. */
export async function launchBrowser(opts: { userDataDir?: string; extensionPath?: string } = {}): Promise<{ context: BrowserContext; worker: Worker; extensionId: string; userDataDir: string }> {
  const extensionPath = opts.extensionPath ?? EXTENSION_PATH;
  if (!fs.existsSync(path.join(extensionPath, 'manifest.json'))) throw new Error(`no built extension at ${extensionPath}: run \`npm run build\` first`);
  const userDataDir = opts.userDataDir ?? tempDir('aitl-e2e-profile-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: [
      `--disable-extensions-except=${extensionPath}`,
      `--load-extension=${extensionPath}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  await serveFixtures(context);
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  return { context, worker, extensionId, userDataDir };
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8' };

async function serveFixtures(context: BrowserContext) {
  const file = (rel: string) => ({ status: 200, contentType: TYPES[path.extname(rel)]!, body: fs.readFileSync(path.join(FIXTURES, rel)) });
  const handler = (page: string) => async (route: Parameters<Parameters<BrowserContext['route']>[1]>[0]) => {
    const url = new URL(route.request().url());
    if (url.pathname.startsWith('/__fixtures/')) return route.fulfill(file(path.basename(url.pathname)));
    // Zendesk's "who am I" (GET /api/v2/users/me.json), answered for the signed-in agent of the fixture.
    if (url.pathname === ZENDESK_ME_PATH && url.origin === ZENDESK) {
      return route.fulfill({ status: 200, contentType: 'application/json; charset=utf-8', body: JSON.stringify({ user: ZENDESK_AGENT }) });
    }
    if (url.pathname === '/agent/dashboard' || url.pathname === '/lightning/page/home') {
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Home</title><h1>Dashboard</h1><p>Not a ticket.</p>' });
    }
    return route.fulfill(file(page));
  };
  await context.route(`${ZENDESK}/**`, handler('zendesk/agent-workspace.html'));
  await context.route(`${SALESFORCE}/**`, handler('salesforce/case-console.html'));
}

/** Sets what the options page would, through the same call the options page makes (the pages service's saveSettings). */
export async function configure(context: BrowserContext, extensionId: string, settings: Record<string, unknown>): Promise<void> {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/options.html`);
  const reply = await page.evaluate((s) => chrome.runtime.sendMessage({ aitl: 'call', service: 'pages', method: 'saveSettings', args: [s] }), settings);
  expect(reply).toMatchObject({ ok: true });
  await page.close();
}

export async function popupStatus(context: BrowserContext, extensionId: string) {
  const page = await context.newPage();
  await page.goto(`chrome-extension://${extensionId}/popup.html`);
  const reply = await page.evaluate(() => chrome.runtime.sendMessage({ aitl: 'call', service: 'pages', method: 'status', args: [] }));
  await page.close();
  return reply as { ok: true; status: { pending: number; connection: string; deadLetters: number } };
}

export const panel = (page: Page) => page.getByTestId('aitl-panel');

/**
 * Script for the extension's service worker (`worker.evaluate`): defines `__uuid7()` and
 * `__relevance(i, clientId?)`, a valid relevance annotation with fresh UUIDv7 ids, for tests and
 * benches that fill the outbox as thousands of clicks would.
 */
export const SW_ANNOTATION_FACTORY = `
  globalThis.__uuid7 = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    const ms = BigInt(Date.now());
    for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
    b[6] = (b[6] & 0x0f) | 0x70; b[8] = (b[8] & 0x3f) | 0x80;
    const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
    return h.slice(0, 8) + '-' + h.slice(8, 12) + '-' + h.slice(12, 16) + '-' + h.slice(16, 20) + '-' + h.slice(20);
  };
  globalThis.__relevance = (i, clientId) => ({
    id: __uuid7(), type: 'relevance', schemaVersion: 1, createdAt: new Date().toISOString(),
    ticket: { platform: 'zendesk', ticketId: String(10000 + (i % 500)) }, impressionId: __uuid7(), elapsedMs: 4200 + i,
    clientVersion: '0.1.0', ...(clientId && { clientId }),
    payload: { articleId: crypto.randomUUID(), articleVersion: 3, rank: 1 + (i % 8), label: ['relevant', 'partial', 'irrelevant', 'outdated'][i % 4] },
  });
`;

declare const chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
