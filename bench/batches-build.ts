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
 */
import { spawn } from 'node:child_process';
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

interface Measured {
  ms: number;
  cpuS: number;
  /** CPU of the job's Postgres backends (null when Postgres is not on this machine). */
  serverCpuS: number | null;
  maxRssMb: number;
  produced: Record<string, number>;
}

function measure(mode: 'build' | 'copy', url: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WORKER, mode, url, TENANT], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').at(-1)!)) : reject(new Error(`${mode} exited with ${code}`))));
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
    await measure('copy', database.url); // warm-up, not measured
    const copies: Measured[] = [];
    const builds: Measured[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['build', 'copy'] as const) : (['copy', 'build'] as const);
      for (const mode of order) (mode === 'copy' ? copies : builds).push(await measure(mode, database.url));
    }
    const copy = summary(copies);
    const build = summary(builds);
    const rows = Object.entries(build.produced).filter(([k]) => k !== 'bytes').map(([k, v]) => `${k.replace('.jsonl', '')} ${v}`).join(', ');
    const each = (runs: Measured[]) => runs.map((r) => s(r.ms)).join(', ');
    const perSecond = (m: Measured) => `${Math.round(size / (m.ms / 1000)).toLocaleString('en')} annotations/s`;
    console.log(`  COPY (SELECT annotation, impression, context) TO STDOUT: ${s(copy.ms)} (${cpu(copy)}), ${perSecond(copy)}, peak RSS ${mb(copy.maxRssMb)}, ${mb(copy.produced.bytes! / 1e6)} streamed; rounds ${each(copies)}`);
    console.log(`  batch build:                                              ${s(build.ms)} (${cpu(build)}), ${perSecond(build)}, peak RSS ${mb(build.maxRssMb)} (target < 512 MB), ${mb(build.produced.bytes! / 1e6)} written; rounds ${each(builds)}`);
    // Wall time on a shared machine is mostly the wait for a core; CPU (client + Postgres) is what each job costs.
    console.log(`  ${size} annotations: build / COPY time ${(build.ms / copy.ms).toFixed(1)}x (target <= 3x), CPU ${(totalCpu(build) / totalCpu(copy)).toFixed(1)}x; files: ${rows}`);
    benchResult('batches', { size, buildMs: build.ms, copyMs: copy.ms, buildRssMb: build.maxRssMb, buildCpuS: totalCpu(build), copyCpuS: totalCpu(copy), buildRowsPerS: size / (build.ms / 1000) });
  } finally {
    await database.drop();
  }
}
