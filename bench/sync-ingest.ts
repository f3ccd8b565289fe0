/**
 * Ingest throughput of POST /v1/sync into a real Postgres, next to a plain multi-row INSERT of the
 * same rows with `pg`, measured in the same run: the same annotations go through both (the baseline
 * into its own tenant), rounds alternate which goes first, each side starts from a CHECKPOINT, and
 * medians are compared.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:sync
 *
 * The API server runs as its own process (`aitl serve`), as deployed; the clients and the
 * baseline run here. Each round: CLIENTS concurrent clients each send REQUESTS requests of 500
 * annotations. The baseline inserts those rows, 500 per statement, over CLIENTS
 * concurrent connections, with every value (hash, JSON) prepared before the clock starts.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Annotation } from '../lib/contract';
import { createToken } from '../server/src/auth/tokens';
import { openDatabase } from '../server/src/db/open';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { realisticAnnotations } from './realistic-annotations';
import { benchResult } from './bench-result';
import { phaseCpu } from './process-cpu';
import { ANNOTATION_COLUMNS, annotationColumnValues } from './annotation-columns';
import { startServerProcess } from './serve-process';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const REQUESTS = Number(process.env.REQUESTS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCH = 500;
/** Node flags for the server process, e.g. SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' to profile the API side. */
const SERVER_NODE_ARGS = (process.env.SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const median = (xs: number[]) => percentile(xs, 50);

/** One round's annotations: CLIENTS clients x REQUESTS requests x 500, each client with its install id. */
function roundWork(round: number) {
  return Array.from({ length: CLIENTS }, (_, c) => {
    const clientId = randomUUID();
    return { clientId, requests: Array.from({ length: REQUESTS }, (_, i) => realisticAnnotations(BATCH, clientId, round * 100_000 + c * 1000 + i + 1)) };
  });
}
type Work = ReturnType<typeof roundWork>;

/** Each client's request bodies, built before the round so that its CPU is not counted as ingest's. */
const requestBodies = (work: Work) => work.map(({ clientId, requests }) => requests.map((annotations) => JSON.stringify({ clientId, annotations })));

async function apiRound(url: string, token: string, bodies: string[][]) {
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    bodies.map(async (list) => {
      for (const body of list) {
        const t = performance.now();
        const res = await fetch(`${url}/v1/sync`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
        // Checked, not schema-validated: validating the answer is the client's cost, not ingest's.
        const { results } = (await res.json()) as { results?: { status: string }[] };
        if (res.status !== 200 || results?.length !== BATCH || results.some((r) => r.status !== 'stored')) throw new Error(`sync failed: ${res.status}`);
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rowsPerSecond: (CLIENTS * REQUESTS * BATCH) / seconds, latencies };
}

const COLUMNS = ['tenant_id', 'agent', 'token_id', ...ANNOTATION_COLUMNS];

const rowValues = (a: Annotation, tenantId: string, tokenId: string): unknown[] => [tenantId, 'bench-agent', tokenId, ...annotationColumnValues(a, JSON.stringify(a))];

/** The same annotations as the API round got, into another tenant, as plain multi-row INSERTs, every value prepared. */
const plainStatements = (tenantId: string, tokenId: string, work: Work) =>
  work.map(({ requests }) =>
    requests.map((annotations) => {
      const rows = annotations.map((a) => rowValues(a, tenantId, tokenId));
      const placeholders = rows.map((_, r) => `(${COLUMNS.map((_, k) => `$${r * COLUMNS.length + k + 1}`).join(', ')})`).join(', ');
      return { text: `INSERT INTO annotations (${COLUMNS.join(', ')}) VALUES ${placeholders}`, values: rows.flat() };
    }),
  );

async function plainInsertRound(pool: pg.Pool, statements: ReturnType<typeof plainStatements>) {
  const started = performance.now();
  await Promise.all(
    statements.map(async (list) => {
      const client = await pool.connect();
      try {
        for (const s of list) await client.query(s.text, s.values);
      } finally {
        client.release();
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rowsPerSecond: (CLIENTS * REQUESTS * BATCH) / seconds };
}

async function main() {
  const database = await createPostgresDatabase(BASE_URL);
  const dbName = new URL(database.url).pathname.slice(1);
  const setup = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
  const agent = await createToken(setup, { tenantId: 'bench', role: 'agent', name: 'bench-agent' });
  const baseline = await createToken(setup, { tenantId: 'bench-plain', role: 'agent', name: 'bench-agent' });
  await setup.close();
  const server = await startServerProcess({ DATABASE_URL: database.url, AITL_RATE_LIMIT: '1000000', AITL_BODY_LIMIT: String(16 * 1024 * 1024) }, SERVER_NODE_ARGS);
  const pool = new pg.Pool({ connectionString: database.url, max: CLIENTS });
  pool.on('error', () => {}); // an idle connection ended (the database dropped at the end): nothing to do
  try {
    console.log(`POST /v1/sync vs plain multi-row INSERT of the same rows: ${CLIENTS} concurrent clients x ${REQUESTS} requests x ${BATCH} annotations, ${ROUNDS} rounds each (+1 warm-up), order alternating`);
    const api: number[] = [];
    const plain: number[] = [];
    const latencies: number[] = [];
    // CPU seconds per 500 rows of each side, by process: this bench (clients, or the baseline's pg), the server, Postgres.
    const cpu = { api: { bench: [] as number[], server: [] as number[], postgres: [] as number[] }, plain: { bench: [] as number[], postgres: [] as number[] } };
    const requests = CLIENTS * REQUESTS;
    for (let round = 0; round <= ROUNDS; round++) {
      // Both sides insert the same annotations (the baseline into its own tenant); who goes first alternates.
      const work = roundWork(round);
      // Built before either side's clock and CPU count starts: the clients' bodies and the baseline's values.
      const bodies = requestBodies(work);
      const statements = plainStatements('bench-plain', baseline.id, work);
      // Each side starts from a checkpoint, outside its clock: otherwise the one Postgres starts
      // after the other's WAL has piled up pays for writing the other's pages.
      const runApi = async () => {
        await pool.query('CHECKPOINT');
        const measured = await phaseCpu(pool, dbName, [process.pid, server.pid], async () => {
          const bench = process.cpuUsage();
          const value = await apiRound(server.url, agent.token, bodies);
          return { value, bench: process.cpuUsage(bench) };
        });
        if (round > 0) {
          const benchSeconds = (measured.value.bench.user + measured.value.bench.system) / 1e6;
          cpu.api.bench.push(benchSeconds / requests);
          cpu.api.server.push((measured.processes - benchSeconds) / requests);
          cpu.api.postgres.push(measured.postgres / requests);
        }
        return measured.value.value;
      };
      const runPlain = async () => {
        await pool.query('CHECKPOINT');
        const measured = await phaseCpu(pool, dbName, [process.pid], () => plainInsertRound(pool, statements));
        if (round > 0) {
          cpu.plain.bench.push(measured.processes / requests);
          cpu.plain.postgres.push(measured.postgres / requests);
        }
        return measured.value;
      };
      let a: Awaited<ReturnType<typeof runApi>>;
      let p: Awaited<ReturnType<typeof runPlain>>;
      if (round % 2 === 0) {
        a = await runApi();
        p = await runPlain();
      } else {
        p = await runPlain();
        a = await runApi();
      }
      if (round === 0) continue; // warm-up
      api.push(a.rowsPerSecond);
      plain.push(p.rowsPerSecond);
      latencies.push(...a.latencies);
      console.log(`round ${round}: api ${a.rowsPerSecond.toFixed(0)} rows/s, plain INSERT ${p.rowsPerSecond.toFixed(0)} rows/s (${round % 2 === 0 ? 'api' : 'plain'} first)`);
    }
    const ratio = median(api) / median(plain);
    console.log(`median: api ${median(api).toFixed(0)} rows/s, plain INSERT ${median(plain).toFixed(0)} rows/s, ratio ${ratio.toFixed(2)} (target >= 0.80)`);
    console.log(`api request latency (500 annotations): p50 ${percentile(latencies, 50).toFixed(0)} ms, p95 ${percentile(latencies, 95).toFixed(0)} ms`);
    const ms = (xs: number[]) => `${(median(xs) * 1000).toFixed(1)} ms`;
    console.log(`CPU per 500 rows (medians; bench = this process: the clients, or the baseline's pg): api: server ${ms(cpu.api.server)}, Postgres ${ms(cpu.api.postgres)}, bench ${ms(cpu.api.bench)}; plain INSERT: Postgres ${ms(cpu.plain.postgres)}, bench ${ms(cpu.plain.bench)}`);
    benchResult('sync', { apiRowsPerSecond: median(api), plainRowsPerSecond: median(plain), ratio });
  } finally {
    await server.stop();
    await pool.end();
    await database.drop();
  }
}

await main();
