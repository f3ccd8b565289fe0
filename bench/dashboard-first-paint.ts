/**
 * How fast the dashboard's Flywheel page shows its charts on a large tenant, in Debian's Chromium
 * against the real server (`npm run build:dashboard` first), next to a baseline from the same run:
 * the `GET /v1/metrics` call the page makes, timed alone from Node.
 *
 *   ANNOTATIONS=100000 RUNS=5 npm run bench:dashboard
 *
 * Seeds ANNOTATIONS annotations (per impression: two relevance labels, an adoption, a preference)
 * over twelve weeks of impressions, then per run opens /dashboard/ signed in and records first
 * contentful paint and the moment the adoption chart's points are on screen.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright';
import { DEFAULT_ADOPTION_THRESHOLDS, type Annotation } from '../lib/contract';
import { storeAnnotations } from '../server/src/annotations/store';
import { createToken } from '../server/src/auth/tokens';
import { loadConfig } from '../server/src/config';
import { DASHBOARD_BUILD_DIR } from '../server/src/routes/dashboard';
import { serve } from '../server/src/serve';
import { makeAnnotation } from '../server/test/helpers/annotations';
import { insertImpression } from '../server/test/helpers/impressions';
import { benchResult } from './bench-result';
import { rng } from './realistic-annotations';

const ANNOTATIONS = Number(process.env.ANNOTATIONS ?? 100_000);
const RUNS = Number(process.env.RUNS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const WEEKS = 12;
const OUTCOMES = ['as_is', 'light_edit', 'heavy_edit', 'discarded', 'not_used'] as const;
const SIMILARITY = { as_is: 0.99, light_edit: 0.9, heavy_edit: 0.5, discarded: 0.1, not_used: null } as const;
const LABELS = ['relevant', 'partial', 'irrelevant', 'outdated'] as const;
const VERDICTS = ['A', 'B', 'tie', 'both_bad'] as const;
// The page's globals, for the functions Playwright runs inside it (this file is type-checked as Node code).
declare const sessionStorage: { setItem(key: string, value: string): void };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (!fs.existsSync(path.join(DASHBOARD_BUILD_DIR, 'index.html'))) throw new Error('no dashboard bundle: run `npm run build:dashboard` first');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-bench-dashboard-'));
const config = loadConfig({ AITL_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', AITL_LOG_LEVEL: 'warn', AITL_RATE_LIMIT: '100000',
  // /v1/metrics computes in this process (PGlite); shedding would answer the page 503 while it does.
  AITL_MAX_EVENT_LOOP_DELAY_MS: '0',
});
const server = await serve(config);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const tenantId = 'bench';
  const agent = await createToken(server.db, { tenantId, role: 'agent', name: 'bench-agent' });
  const operator = (await createToken(server.db, { tenantId, role: 'operator', name: 'bench-ops' })).token;
  const auth = { tokenId: agent.id, tenantId, role: 'agent' as const, name: 'bench-agent' };
  const clientId = randomUUID();
  const r = rng(9);
  const now = Date.now();
  const span = WEEKS * 7 * 86_400_000;
  const impressions = Math.ceil(ANNOTATIONS / 4);
  const seedStart = performance.now();
  let pending: Annotation[] = [];
  for (let i = 0; i < impressions; i++) {
    const shownAt = now - span + Math.floor((i / impressions) * (span - 3_600_000));
    const imp = await insertImpression(server.db, tenantId, {
      createdAt: new Date(shownAt).toISOString(),
      arms: [{ slot: 'A', armId: 'extractive', model: 'extractive-v1', promptVersion: 'concise-1' }, { slot: 'B', armId: 'gpt', model: 'gpt-4o-mini', promptVersion: 'support-3' }],
      displayOrder: r() < 0.5 ? ['A', 'B'] : ['B', 'A'],
      reranker: i < impressions / 2 ? 'rerank-1' : 'rerank-2',
      ticketId: String(100_000 + i),
    });
    const base = (minutes: number) => ({ ...makeAnnotation('relevance', clientId), ticket: imp.ticket, impressionId: imp.id, createdAt: new Date(shownAt + minutes * 60_000).toISOString(), elapsedMs: 1000 + Math.floor(r() * 20_000) });
    for (const article of imp.articles) {
      pending.push({ ...base(1), type: 'relevance', payload: { articleId: article.id, articleVersion: article.version, rank: article.rank, label: LABELS[Math.floor(r() * 4)]! } } as Annotation);
    }
    const outcome = OUTCOMES[Math.floor(r() * OUTCOMES.length)]!;
    pending.push({ ...base(5), type: 'adoption', payload: { outcome, slot: outcome === 'not_used' ? null : r() < 0.5 ? 'A' : 'B', similarity: SIMILARITY[outcome], thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'sent' } } as Annotation);
    const verdict = VERDICTS[Math.floor(r() * 4)]!;
    pending.push({ ...base(2), type: 'preference', payload: { verdict, ...(verdict === 'A' || verdict === 'B' ? { strength: 'clear' } : {}), shownOrder: imp.displayOrder } } as Annotation);
    if (pending.length >= 500 || i === impressions - 1) {
      const results = await storeAnnotations(server.db, auth, clientId, pending);
      const refused = results.filter((x) => x.status !== 'stored');
      if (refused.length > 0) throw new Error(`seeding refused: ${JSON.stringify(refused[0])}`);
      pending = [];
    }
  }
  const { rows } = await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM annotations WHERE tenant_id = $1', [tenantId]);
  console.log(`seeded ${rows[0]!.n} annotations on ${impressions} impressions over ${WEEKS} weeks in ${((performance.now() - seedStart) / 1000).toFixed(0)} s`);

  const apiMs: number[] = [];
  const fcpMs: number[] = [];
  const chartsMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/v1/metrics`, { headers: { authorization: `Bearer ${operator}` } });
    if (!res.ok) throw new Error(`/v1/metrics answered ${res.status}`);
    await res.json();
    apiMs.push(performance.now() - t0);
    console.log(`run ${run + 1}: GET /v1/metrics ${apiMs.at(-1)!.toFixed(0)} ms`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    // Signed in as an operator would be after pasting the token (sessionStorage, this origin).
    await page.addInitScript((token) => sessionStorage.setItem('aitl.dashboard.token', token), operator);
    await page.goto(`${server.url}/dashboard/`);
    await page.locator('circle[data-series="strict"]').first().waitFor({ timeout: 600_000 });
    const marks = await page.evaluate(() => ({
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
      charts: performance.now(),
    }));
    fcpMs.push(marks.fcp);
    chartsMs.push(marks.charts);
    await page.close();
  }
  const result = {
    annotations: rows[0]!.n,
    metricsApiMs: median(apiMs),
    firstContentfulPaintMs: median(fcpMs),
    chartsVisibleMs: median(chartsMs),
  };
  console.log(`GET /v1/metrics alone (baseline)            median ${result.metricsApiMs.toFixed(0)} ms  [${apiMs.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`dashboard first contentful paint            median ${result.firstContentfulPaintMs.toFixed(0)} ms  [${fcpMs.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`dashboard Flywheel charts on screen         median ${result.chartsVisibleMs.toFixed(0)} ms  [${chartsMs.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`charts on screen minus the API call alone   ${(result.chartsVisibleMs - result.metricsApiMs).toFixed(0)} ms (n=${RUNS})`);
  benchResult('dashboard', result);
} finally {
  await browser.close();
  await server.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
