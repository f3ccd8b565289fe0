/**
 * What the content script costs a helpdesk page, measured in Debian's Chromium with the built
 * extension (`npm run build` first), next to a baseline from the same run:
 *
 *   npm run bench:extension-page
 *
 * 1. Work on a non-ticket page (/agent/dashboard): the content script's own `aitl:main` measure,
 *    and the page's total script time (CDP ScriptDuration) with the extension vs. without it.
 * 2. Suggestions on screen after the ticket DOM is ready: the fixture marks `fixture:ticket-rendered`,
 *    the panel marks `aitl:panel-visible` when it mounts (still loading) and `aitl:suggestions-visible`
 *    when the replies are rendered (the backend round trip included); on full loads and on ticket
 *    switches without a reload.
 * 3. Bundle sizes: the content script every helpdesk page runs, and the panel code injected on
 *    ticket pages only, next to React + ReactDOM alone (the floor for a React panel).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright';
import { agentToken, configure, EXTENSION_PATH, launchBrowser, startBackend, ZENDESK } from '../tests/e2e/harness';
import { benchResult } from './bench-result';

const RUNS = Number(process.env.RUNS ?? 15);
const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms (n=${xs.length})`;

/** Opens the page with CDP metrics on from the start, so its whole script time is counted. */
async function loadMeasured(context: BrowserContext, url: string): Promise<{ page: Page; scriptMs: () => Promise<number> }> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    scriptMs: async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return (metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000;
    },
  };
}

async function dashboardLoads(context: BrowserContext): Promise<{ script: number[]; main: number[] }> {
  const script: number[] = [];
  const main: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { page, scriptMs } = await loadMeasured(context, `${ZENDESK}/agent/dashboard`);
    await page.waitForTimeout(300); // content scripts have run by now
    script.push(await scriptMs());
    const m = await page.evaluate(() => performance.getEntriesByName('aitl:main').map((e) => e.duration));
    if (m[0] !== undefined) main.push(m[0]);
    await page.close();
  }
  return { script, main };
}

type PanelTimes = { mounted: { load: number[]; switch: number[] }; suggestions: { load: number[]; switch: number[] } };

async function panelTimes(context: BrowserContext): Promise<PanelTimes> {
  const times: PanelTimes = { mounted: { load: [], switch: [] }, suggestions: { load: [], switch: [] } };
  const gap = (page: Page, mark: string, n: number) =>
    page.waitForFunction(
      ({ mark, count }) => performance.getEntriesByName(mark).length >= count && performance.getEntriesByName('fixture:ticket-rendered').length >= count,
      { mark, count: n },
    ).then(() =>
      page.evaluate(({ mark, count }) => performance.getEntriesByName(mark)[count - 1]!.startTime - performance.getEntriesByName('fixture:ticket-rendered')[count - 1]!.startTime, { mark, count: n }),
    );
  for (let i = 0; i < RUNS; i++) {
    const page = await context.newPage();
    await page.goto(`${ZENDESK}/agent/tickets/123`);
    times.suggestions.load.push(await gap(page, 'aitl:suggestions-visible', 1));
    times.mounted.load.push(await gap(page, 'aitl:panel-visible', 1));
    await page.click('a[data-test-id="header-tab"][data-entity-id="456"]');
    times.suggestions.switch.push(await gap(page, 'aitl:suggestions-visible', 2));
    times.mounted.switch.push(await gap(page, 'aitl:panel-visible', 2));
    await page.close();
  }
  return times;
}

async function reactFloorBytes(): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-bench-'));
  const entry = path.join(dir, 'entry.tsx');
  fs.writeFileSync(entry, "import { createRoot } from 'react-dom/client';\ncreateRoot(document.createElement('div')).render(<p>hi</p>);\n");
  const out = await build({ entryPoints: [entry], bundle: true, minify: true, write: false, jsx: 'automatic', nodePaths: [path.resolve('node_modules')], define: { 'process.env.NODE_ENV': '"production"' } });
  fs.rmSync(dir, { recursive: true, force: true });
  return out.outputFiles[0]!.contents.byteLength;
}

async function main() {
  const backend = await startBackend();
  const withExt = await launchBrowser();
  const withoutDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-bench-plain-'));
  const without = await chromium.launchPersistentContext(withoutDir, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 720 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    await configure(withExt.context, withExt.extensionId, { backendUrl: backend.url, token: await agentToken(backend), pairwiseSamplingRate: 1 });
    await without.route(`${ZENDESK}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Home</title><h1>Dashboard</h1><p>Not a ticket.</p>' }));
    // Warm-up: the first load of each compiles the scripts.
    await dashboardLoads(withExt.context);
    await dashboardLoads(without);

    const ext = await dashboardLoads(withExt.context);
    const plain = await dashboardLoads(without);
    console.log(`non-ticket page (${ZENDESK}/agent/dashboard), ${RUNS} loads each:`);
    console.log(`  content script main(): ${fmt(ext.main)}`);
    console.log(`  page script time with the extension:    ${fmt(ext.script)}`);
    console.log(`  page script time without the extension: ${fmt(plain.script)} (baseline)`);

    const panel = await panelTimes(withExt.context);
    console.log(`suggestions on screen after the ticket DOM is ready (budget 300 ms; backend on this machine):`);
    console.log(`  full page load:             ${fmt(panel.suggestions.load)}   (panel mounted, still loading: ${fmt(panel.mounted.load)})`);
    console.log(`  ticket switch (no reload):  ${fmt(panel.suggestions.switch)}   (panel mounted, still loading: ${fmt(panel.mounted.switch)})`);

    const size = (file: string) => {
      const bytes = fs.readFileSync(path.join(EXTENSION_PATH, file));
      return `${(bytes.byteLength / 1024).toFixed(1)} kB minified, ${(zlib.gzipSync(bytes, { level: 9 }).byteLength / 1024).toFixed(1)} kB gzip`;
    };
    const floor = await reactFloorBytes();
    benchResult('extension-page', {
      scriptMsWith: percentile(ext.script, 50),
      scriptMsWithout: percentile(plain.script, 50),
      suggestionsVisibleLoadP50: percentile(panel.suggestions.load, 50),
      suggestionsVisibleSwitchP50: percentile(panel.suggestions.switch, 50),
      overlayBytes: fs.statSync(path.join(EXTENSION_PATH, 'overlay.js')).size,
      contentScriptBytes: fs.statSync(path.join(EXTENSION_PATH, 'content-scripts/helpdesk.js')).size,
      reactFloorBytes: floor,
    });
    console.log(`content script on every helpdesk page (content-scripts/helpdesk.js): ${size('content-scripts/helpdesk.js')}`);
    console.log(`panel code injected on ticket pages only (overlay.js): ${size('overlay.js')}; React + ReactDOM alone: ${(floor / 1024).toFixed(1)} kB minified (baseline)`);
  } finally {
    await withExt.context.close();
    await without.close();
    await backend.close();
    fs.rmSync(withExt.userDataDir, { recursive: true, force: true });
    fs.rmSync(withoutDir, { recursive: true, force: true });
  }
}

await main();
