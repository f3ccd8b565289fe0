import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page, type Worker } from '@playwright/test';
import { loadConfig } from '../../server/src/config';
import { serve, type RunningServer } from '../../server/src/serve';
import { demoHostPattern, demoOrigin, demoPort, DEMO_HOST } from './demo-origin';
import { demoTokens, type DemoTokens } from './demo-tokens';
import { seedExtension } from './seed-extension';

const ROOT = path.resolve(import.meta.dirname, '../..');
/** Where `wxt build --mode demo` puts the demo build. */
export const DEMO_EXTENSION_PATH = path.join(ROOT, '.output/chrome-mv3-demo');
/** The demo's own data folder, apart from `npm start`'s `.aitl/data`, so both can run at once. */
export const DEMO_DATA_DIR = path.join(ROOT, '.aitl/demo');
// Chromium, not Google Chrome: branded Chrome (137 and later) ignores --load-extension.
const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser'];

export interface DemoOptions {
  headless: boolean;
  port?: number;
  dataDir?: string;
  extensionPath?: string;
  chromiumPath?: string;
  /** Headless only (a window sizes itself): 1280x800 unless given. */
  viewport?: { width: number; height: number };
  logLevel?: string;
}

export interface RunningDemo {
  /** The backend, also serving the demo helpdesk and the dashboard. */
  url: string;
  workspaceUrl: string;
  dashboardUrl: string;
  backend: RunningServer;
  tokens: DemoTokens;
  context: BrowserContext;
  worker: Worker;
  extensionId: string;
  /** The tab showing the demo helpdesk. */
  page: Page;
  close(): Promise<void>;
}

/**
 * The demo in one call (`npm run demo` and the browser test): the backend on the embedded database
 * with the demo tenant and the demo helpdesk, and Chromium with the demo build of the extension in
 * a throwaway profile, configured for the demo tenant, on the first demo ticket.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const port = options.port ?? demoPort();
  const extensionPath = options.extensionPath ?? DEMO_EXTENSION_PATH;
  checkDemoBuild(extensionPath, port);
  const executablePath = chromiumPath(options.chromiumPath);
  const dataDir = options.dataDir ?? DEMO_DATA_DIR;
  fs.mkdirSync(dataDir, { recursive: true });

  // Only what the demo needs: not the caller's DATABASE_URL, so the demo never writes to a real database.
  const config = loadConfig({ AITL_DATA_DIR: dataDir, PORT: String(port), HOST: DEMO_HOST, AITL_LOG_LEVEL: options.logLevel ?? 'warn' });
  const backend = await serve(config, { demo: true }).catch((error: unknown) => {
    const message = (error as Error).message;
    if (/EADDRINUSE/.test(message)) throw new Error(`port ${port} is in use (another \`npm run demo\`?): stop it, or run \`AITL_DEMO_PORT=<free port> npm run demo\``);
    throw error;
  });
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-demo-profile-'));
  let context: BrowserContext | undefined;
  try {
    const tokens = await demoTokens(backend.db, path.join(dataDir, 'demo-tokens.json'));
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: options.headless,
      // A window takes the size it is given; a headless page needs one.
      viewport: options.headless ? (options.viewport ?? { width: 1280, height: 800 }) : null,
      ...(!options.headless && { ignoreDefaultArgs: ['--enable-automation'] }),
      args: [
        `--disable-extensions-except=${extensionPath}`,
        `--load-extension=${extensionPath}`,
        // Chromium's sandbox cannot start as root (containers, CI).
        ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
        ...(options.headless ? ['--disable-gpu'] : ['--window-size=1440,900']),
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--no-default-browser-check',
      ],
    });
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const extensionId = new URL(worker.url()).host;
    const origin = demoOrigin(port);
    const page = await seedExtension(context, worker, extensionId, { backendUrl: backend.url, token: tokens.agent, origin }, context.pages()[0]);
    const workspaceUrl = `${origin}/demo/`;
    await page.goto(workspaceUrl);
    const running = context;
    return {
      url: backend.url,
      workspaceUrl,
      dashboardUrl: `${origin}/dashboard/`,
      backend,
      tokens,
      context,
      worker,
      extensionId,
      page,
      close: async () => {
        await running.close().catch(() => {});
        await backend.close();
        fs.rmSync(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await context?.close().catch(() => {});
    await backend.close().catch(() => {});
    fs.rmSync(profile, { recursive: true, force: true });
    throw error;
  }
}

/** The demo build must exist and be built for this port (its manifest names the demo origin). */
function checkDemoBuild(extensionPath: string, port: number): void {
  const manifestFile = path.join(extensionPath, 'manifest.json');
  if (!fs.existsSync(manifestFile)) throw new Error(`no demo build of the extension at ${extensionPath}: run \`npm run demo\` (it builds one) or \`npm run build:demo\``);
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as { host_permissions?: string[] };
  if (!manifest.host_permissions?.includes(demoHostPattern(port))) {
    throw new Error(`${extensionPath} is not a demo build for port ${port} (its host permissions: ${JSON.stringify(manifest.host_permissions)}): run \`AITL_DEMO_PORT=${port} npm run build:demo\``);
  }
}

function chromiumPath(given?: string): string {
  const candidates = given ? [given] : process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : CHROMIUM_CANDIDATES;
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error(`no Chromium at ${candidates.join(' or ')}: install it (Debian/Ubuntu: apt-get install chromium) or set CHROMIUM_PATH`);
  return found;
}
