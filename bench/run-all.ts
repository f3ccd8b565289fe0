/**
 * `npm run bench`: every benchmark at a size that fits in about ten minutes on a 2-core machine,
 * then one table: each figure beside the baseline measured in the same run, and their ratio, so two
 * commits can be compared by running this on each. Postgres benches use BENCH_DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432/test); browser benches need the built extension (built here
 * first) and Debian's Chromium. BENCH_ONLY=load,sync runs some of them.
 */
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { BENCH_RESULT_PREFIX } from './bench-result';

interface Bench {
  name: string;
  file: string;
  env: Record<string, string>;
  browser?: boolean;
}

const BENCHES: Bench[] = [
  { name: 'sync', file: 'sync-ingest.ts', env: { ROUNDS: '3' } },
  { name: 'load', file: 'load-agents.ts', env: { AGENTS: '100,200', SECONDS: '30' } },
  { name: 'suggestions', file: 'suggestions-latency.ts', env: { ARTICLES: '2000', REQUESTS: '150', BENCH_POSTGRES: '0' } },
  { name: 'batches', file: 'batches-build.ts', env: { SIZES: '100000', ROUNDS: '2' } },
  { name: 'extension-page', file: 'extension-page.ts', env: { RUNS: '10' }, browser: true },
  { name: 'extension-outbox', file: 'extension-outbox.ts', env: { QUEUED: '5000', CAPTURES: '200' }, browser: true },
  { name: 'dashboard', file: 'dashboard-first-paint.ts', env: { ANNOTATIONS: '10000', RUNS: '3' }, browser: true },
];

const root = fileURLToPath(new URL('..', import.meta.url));
const only = process.env.BENCH_ONLY?.split(',');
const chosen = BENCHES.filter((b) => !only || only.includes(b.name));

/** Runs one bench in its own process, echoing its output, and returns its results by name. */
function run(bench: Bench): Promise<{ results: Map<string, any>; error?: string }> {
  return new Promise((resolve) => {
    const results = new Map<string, any>();
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(bench.file, import.meta.url))], {
      cwd: root,
      env: { ...process.env, ...bench.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let pending = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      pending += d;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith(BENCH_RESULT_PREFIX)) {
          const { name, value } = JSON.parse(line.slice(BENCH_RESULT_PREFIX.length));
          results.set(name, value);
        } else if (!line.startsWith('{"level"')) console.log(`  [${bench.name}] ${line}`);
      }
    });
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-2000)));
    child.once('exit', (code) => resolve(code === 0 ? { results } : { results, error: `exited with ${code}: ${stderr.trim().split('\n').at(-1) ?? ''}` }));
  });
}

type Row = [figure: string, value: number, baselineLabel: string, baseline: number, unit: string, target: string];
const rows: (Row | [string, string])[] = [];

function tabulate(name: string, r: Map<string, any>) {
  const v = r.get(name);
  if (!v) return;
  switch (name) {
    case 'sync':
      rows.push(['POST /v1/sync ingest, Postgres (rows/s)', v.apiRowsPerSecond, 'plain multi-row INSERT, same rows', v.plainRowsPerSecond, 'rows/s', '>= 0.80']);
      break;
    case 'load': {
      const [low, high] = [v[0], v.at(-1)];
      rows.push([`suggestions answered/s, ${high.agents} agents (${high.db})`, high.suggestions.perSecond, `${low.agents} agents`, low.suggestions.perSecond, '/s', '>= 1.00']);
      rows.push([`suggestions answered p99, ${high.agents} agents`, high.suggestions.p99, 'target', 1000, 'ms', '<= 1.00']);
      rows.push([`shed share, ${high.agents} agents`, high.suggestions.shedShare * 100, `${low.agents} agents`, low.suggestions.shedShare * 100, '%', '']);
      const exact = v.every((x: any) => x.annotations.rows === x.annotations.sent && x.annotations.storedTwice === 0 && x.annotations.unacknowledged === 0);
      rows.push(['annotations acknowledged exactly once', exact ? 'yes' : 'NO']);
      break;
    }
    case 'suggestions':
      rows.push([`POST /v1/suggestions p50, one at a time (${v.db})`, v.apiP50, 'bare search statement p50', v.bareP50, 'ms', '']);
      break;
    case 'batches':
      rows.push([`batch build, ${v.size} annotations (Postgres)`, v.buildMs / 1000, 'COPY of the same rows', v.copyMs / 1000, 's', '<= 3.00']);
      rows.push(['batch build peak RSS', v.buildRssMb, 'budget', 512, 'MB', '< 1.00']);
      break;
    case 'extension-page':
      rows.push(['suggestions on screen after ticket DOM, p50', v.suggestionsVisibleLoadP50, 'budget', 300, 'ms', '<= 1.00']);
      rows.push(['  same, ticket switch', v.suggestionsVisibleSwitchP50, 'budget', 300, 'ms', '<= 1.00']);
      rows.push(['page script time with the extension, p50', v.scriptMsWith, 'without the extension', v.scriptMsWithout, 'ms', '']);
      rows.push(['panel code (overlay.js)', v.overlayBytes / 1024, 'React + ReactDOM alone', v.reactFloorBytes / 1024, 'kB', '']);
      break;
    case 'dashboard':
      rows.push([`dashboard Flywheel charts on screen, ${v.annotations} annotations`, v.chartsVisibleMs, 'GET /v1/metrics alone', v.metricsApiMs, 'ms', '']);
      rows.push(['dashboard first contentful paint', v.firstContentfulPaintMs, 'budget', 1000, 'ms', '<= 1.00']);
      break;
    case 'extension-outbox':
      rows.push(['capture -> durable, p50', v.captureP50, 'bare IndexedDB put', v.putP50, 'ms', '']);
      rows.push([`drain outbox to backend`, v.drainMs / 1000, 'plain POST /v1/sync, same count', v.directMs / 1000, 's', '']);
      break;
  }
}

/** Each row's load average (1 minute, before-after its bench). */
const loads = new Map<object, string>();

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : Math.abs(x) >= 10 ? x.toFixed(1) : x.toFixed(2));

async function main() {
  if (chosen.some((b) => b.browser)) {
    console.log('building the extension and the dashboard (npm run build) for the browser benches');
    execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' });
  }
  const started = performance.now();
  for (const bench of chosen) {
    const t = performance.now();
    console.log(`\n## ${bench.name} (${bench.file}, ${Object.entries(bench.env).map(([k, v]) => `${k}=${v}`).join(' ')})`);
    // The machine is shared: the 1-minute load average before and after each bench goes beside its figures.
    const loadBefore = os.loadavg()[0]!;
    const { results, error } = await run(bench);
    const from = rows.length;
    if (error) rows.push([bench.name, `failed: ${error}`]);
    for (const name of results.keys()) tabulate(name, results);
    const load = `${loadBefore.toFixed(1)}-${os.loadavg()[0]!.toFixed(1)}`;
    for (let i = from; i < rows.length; i++) loads.set(rows[i]!, load);
    console.log(`  (${((performance.now() - t) / 1000).toFixed(0)} s)`);
  }
  console.log(`\nAll benches in ${((performance.now() - started) / 60_000).toFixed(1)} min:\n`);
  const table = rows.map((r) =>
    (r.length === 2 ? [r[0], r[1], '', '', '', ''] : [r[0], `${fmt(r[1])} ${r[4]}`, r[2], `${fmt(r[3])} ${r[4]}`, r[3] ? `${(r[1] / r[3]).toFixed(2)}` : '-', r[5]]).concat(loads.get(r) ?? ''),
  );
  const header = ['figure', 'value', 'baseline', 'baseline value', 'ratio', 'target', 'load avg'];
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const t of table) console.log(line(t));
}

await main();
