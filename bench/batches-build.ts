/**
 * Batch build time and peak memory for 100k and 1M synthetic annotations, next to a plain
 * `COPY (SELECT ...) TO STDOUT` of the same rows (annotation + impression + ticket context) in the
 * same run. Each measured job runs in its own process, so its peak RSS is its own. An unmeasured
 * COPY warms the cache first, then ROUNDS rounds alternate which of the two goes first, so neither
 * always reads a cache the other warmed; the medians are printed, per size: time, rows per second,
 * peak RSS, and CPU of the job's process and of its Postgres backends (the fair figure when the
 * machine is shared: wall time there is mostly the wait for a core).
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:batches
 *   SIZES=100000 ROUNDS=3 npm run bench:batches
 *   BASELINE=/path/to/other/checkout npm run bench:batches
 *
 * BASELINE names another checkout (a git worktree of the code before a change, with node_modules):
 * its build is measured too, in the same rounds over the same data (the order rotates among the
 * three jobs), so a before/after comparison shares the machine's load.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from '../server/src/db/open';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { loadBenchData } from './batches-data';
import { benchResult } from './bench-result';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SIZES = (process.env.SIZES ?? '100000,1000000').split(',').map(Number);
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const TENANT = 'bench';
const WORKER = fileURLToPath(new URL('./batches-worker.ts', import.meta.url));
const BASELINE = process.env.BASELINE ? path.resolve(process.env.BASELINE) : null;

interface Measured {
  ms: number;
  cpuS: number;
  /** CPU of the job's Postgres backends (null when Postgres is not on this machine). */
  serverCpuS: number | null;
  maxRssMb: number;
  produced: Record<string, number>;
}

type Job = 'build' | 'copy' | 'baseline';

function measure(job: Job, url: string): Promise<Measured> {
  const mode = job === 'baseline' ? 'build' : job;
  // The baseline's worker runs in its own checkout, so it imports that checkout's builder.
  const worker = job === 'baseline' ? path.join(BASELINE!, 'bench/batches-worker.ts') : WORKER;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', worker, mode, url, TENANT], { stdio: ['ignore', 'pipe', 'inherit'], cwd: job === 'baseline' ? BASELINE! : undefined });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${job} exited with ${code}`))));
  });
}

const mb = (n: number) => `${n.toFixed(0)} MB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** Medians over the rounds; `produced` is the same every round. */
function summary(runs: Measured[]): Measured {
  const server = runs.map((r) => r.serverCpuS);
  return {
    ms: median(runs.map((r) => r.ms)),
    cpuS: median(runs.map((r) => r.cpuS)),
    serverCpuS: server.every((x) => x !== null) ? median(server as number[]) : null,
    maxRssMb: Math.max(...runs.map((r) => r.maxRssMb)),
    produced: runs[0]!.produced,
  };
}
const cpu = (m: Measured) => `client CPU ${m.cpuS.toFixed(1)} s${m.serverCpuS === null ? '' : ` + Postgres ${m.serverCpuS.toFixed(1)} s`}`;
const totalCpu = (m: Measured) => m.cpuS + (m.serverCpuS ?? 0);

for (const size of SIZES) {
  const database = await createPostgresDatabase(BASE_URL);
  try {
    const db = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
    await db.close();
    const loadStarted = performance.now();
    await loadBenchData(database.url, TENANT, size);
    console.log(`${size} annotations (${Math.ceil(size / 4)} impressions) loaded with COPY in ${s(performance.now() - loadStarted)}`);
    const loadAverage = () => os.loadavg().map((x) => x.toFixed(1)).join(', ');
    const loadBefore = loadAverage();
    await measure('copy', database.url); // warm-up, not measured
    const runs: Record<Job, Measured[]> = { build: [], copy: [], baseline: [] };
    const jobs: Job[] = BASELINE ? ['build', 'copy', 'baseline'] : ['build', 'copy'];
    for (let round = 0; round < ROUNDS; round++) {
      // Each round starts with the next job, so none always reads a cache another warmed.
      const order = jobs.map((_, k) => jobs[(round + k) % jobs.length]!);
      for (const job of order) runs[job].push(await measure(job, database.url));
    }
    const copies = runs.copy;
    const builds = runs.build;
    const copy = summary(copies);
    const build = summary(builds);
    const rows = Object.entries(build.produced).filter(([k]) => k !== 'bytes').map(([k, v]) => `${k.replace('.jsonl', '')} ${v}`).join(', ');
    const each = (runs: Measured[]) => runs.map((r) => s(r.ms)).join(', ');
    const perSecond = (m: Measured) => `${Math.round(size / (m.ms / 1000)).toLocaleString('en')} annotations/s`;
    console.log(`  COPY (SELECT annotation, impression, context) TO STDOUT: ${s(copy.ms)} (${cpu(copy)}), ${perSecond(copy)}, peak RSS ${mb(copy.maxRssMb)}, ${mb(copy.produced.bytes! / 1e6)} streamed; rounds ${each(copies)}`);
    console.log(`  batch build:                                              ${s(build.ms)} (${cpu(build)}), ${perSecond(build)}, peak RSS ${mb(build.maxRssMb)} (target < 512 MB), ${mb(build.produced.bytes! / 1e6)} written; rounds ${each(builds)}`);
    // Wall time on a shared machine is mostly the wait for a core; CPU (client + Postgres) is what each job costs.
    console.log(`  load average ${loadBefore} before the rounds, ${loadAverage()} after`);
    console.log(`  ${size} annotations: build / COPY time ${(build.ms / copy.ms).toFixed(1)}x (target <= 3x), CPU ${(totalCpu(build) / totalCpu(copy)).toFixed(1)}x; files: ${rows}`);
    if (BASELINE) {
      const base = summary(runs.baseline);
      if (JSON.stringify(base.produced) !== JSON.stringify(build.produced)) console.log(`  the baseline wrote other files: ${JSON.stringify(base.produced)}`);
      console.log(`  baseline build (${BASELINE}):  ${s(base.ms)} (${cpu(base)}), ${perSecond(base)}, peak RSS ${mb(base.maxRssMb)}; rounds ${each(runs.baseline)}`);
      console.log(`  baseline / COPY time ${(base.ms / copy.ms).toFixed(1)}x, CPU ${(totalCpu(base) / totalCpu(copy)).toFixed(1)}x; this build / baseline time ${(build.ms / base.ms).toFixed(2)}x, CPU ${(totalCpu(build) / totalCpu(base)).toFixed(2)}x`);
    }
    benchResult('batches', { size, buildMs: build.ms, copyMs: copy.ms, buildRssMb: build.maxRssMb, buildCpuS: totalCpu(build), copyCpuS: totalCpu(copy), buildRowsPerS: size / (build.ms / 1000) });
  } finally {
    await database.drop();
  }
}
