/**
 * Which statement shape stores a sync's rows for the least, on Postgres: the same realistic
 * annotations (500 a statement, CLIENTS concurrent connections) through
 * - `values`: a multi-row INSERT with a parameter per value (what bench:sync's baseline does);
 * - `unnest`: `INSERT ... SELECT FROM unnest($4::uuid[], ...)`, one array parameter per column;
 * - `unnest-jsonb`: the same, but the bodies as one JSON array split by `jsonb_array_elements`;
 * - `... on conflict`: the unnest shapes with `ON CONFLICT DO NOTHING RETURNING id`;
 * - `... no returning`: the same without `RETURNING` (only the count comes back);
 * - `copy`: `COPY annotations FROM STDIN` (text format, pg-copy-streams);
 * - `request json`: the server's own statement (server/src/annotations/insert-statement.ts), every
 *   column read by Postgres from the sync request's JSON, sent as it came.
 * Building the statement's values from the validated rows is inside the clock (the server does
 * it per request), each shape into its own tenant; rounds rotate the order, medians are printed.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/sync-statement-shapes.ts
 */
import { randomUUID } from 'node:crypto';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Annotation } from '../lib/contract';
import { insertStatement } from '../server/src/annotations/insert-statement';
import { createToken } from '../server/src/auth/tokens';
import { openDatabase } from '../server/src/db/open';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { ANNOTATION_COLUMNS, annotationColumnValues } from './annotation-columns';
import { phaseCpu } from './process-cpu';
import { realisticAnnotations } from './realistic-annotations';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const REQUESTS = Number(process.env.REQUESTS ?? 10);
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCH = 500;

interface Row { a: Annotation; json: string }
interface Target { tenant: string; token: string }

const COLUMNS = ANNOTATION_COLUMNS;
const TYPES = ['uuid', 'text', 'int', 'uuid', 'text', 'text', 'uuid', 'timestamptz', 'jsonb', 'text', 'text', 'text', 'float8', 'uuid', 'int', 'text'];

const columnValues = ({ a, json }: Row): unknown[] => annotationColumnValues(a, json);

const head = `INSERT INTO annotations (tenant_id, agent, token_id, ${COLUMNS.join(', ')})`;
const tuples = Array.from({ length: BATCH }, (_, r) => `($1, $2, $3, ${COLUMNS.map((_, k) => `$${4 + r * COLUMNS.length + k}`).join(', ')})`).join(', ');
const unnestFrom = `unnest(${TYPES.map((t, k) => `$${4 + k}::${t}[]`).join(', ')})`;
const unnestJsonbFrom = `ROWS FROM (${TYPES.map((t, k) => (COLUMNS[k] === 'body' ? `jsonb_array_elements($${4 + k}::jsonb)` : `unnest($${4 + k}::${t}[])`)).join(', ')})`;

type Shape = (client: pg.PoolClient, t: Target, rows: Row[]) => Promise<void>;

function columns(rows: Row[]): unknown[][] {
  const cols: unknown[][] = COLUMNS.map(() => new Array(rows.length));
  rows.forEach((row, r) => columnValues(row).forEach((v, k) => (cols[k]![r] = v)));
  return cols;
}

const withJsonbBodies = (rows: Row[]) => {
  const cols = columns(rows);
  cols[COLUMNS.indexOf('body')] = `[${rows.map((r) => r.json).join(',')}]` as never;
  return cols;
};

/** COPY's text format: backslash, and the tab, newline and carriage return that separate fields and rows. */
const copyField = (v: unknown) => (v === null ? '\\N' : typeof v === 'string' && /[\\\t\n\r]/.test(v) ? v.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!) : String(v));

const shapes: Record<string, Shape> = {
  values: async (c, t, rows) => {
    await c.query(`${head} VALUES ${tuples}`, [t.tenant, 'bench-agent', t.token, ...rows.flatMap(columnValues)]);
  },
  unnest: async (c, t, rows) => {
    await c.query({ name: 'unnest', text: `${head} SELECT $1, $2, $3, * FROM ${unnestFrom}`, values: [t.tenant, 'bench-agent', t.token, ...columns(rows)] });
  },
  'unnest on conflict': async (c, t, rows) => {
    await c.query({ name: 'unnest-oc', text: `${head} SELECT $1, $2, $3, * FROM ${unnestFrom} ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id::text AS id`, values: [t.tenant, 'bench-agent', t.token, ...columns(rows)] });
  },
  'unnest-jsonb': async (c, t, rows) => {
    await c.query({ name: 'unnest-jsonb', text: `${head} SELECT $1, $2, $3, * FROM ${unnestJsonbFrom}`, values: [t.tenant, 'bench-agent', t.token, ...withJsonbBodies(rows)] });
  },
  'unnest-jsonb on conflict': async (c, t, rows) => {
    await c.query({ name: 'unnest-jsonb-oc', text: `${head} SELECT $1, $2, $3, * FROM ${unnestJsonbFrom} ON CONFLICT (tenant_id, id) DO NOTHING RETURNING id::text AS id`, values: [t.tenant, 'bench-agent', t.token, ...withJsonbBodies(rows)] });
  },
  'unnest-jsonb on conflict no returning': async (c, t, rows) => {
    await c.query({ name: 'unnest-jsonb-oc-n', text: `${head} SELECT $1, $2, $3, * FROM ${unnestJsonbFrom} ON CONFLICT (tenant_id, id) DO NOTHING`, values: [t.tenant, 'bench-agent', t.token, ...withJsonbBodies(rows)] });
  },
  'request json': async (c, t, rows) => {
    const auth = { tenantId: t.tenant, name: 'bench-agent', tokenId: t.token };
    const { text, values } = insertStatement({ ...auth, role: 'agent' }, { json: requestJson(rows), positions: rows.map((_, k) => k + 1) });
    await c.query({ name: 'request-json', text, values });
  },
  copy: async (c, t, rows) => {
    const lead = `${copyField(t.tenant)}\tbench-agent\t${t.token}\t`;
    const text = rows.map((row) => lead + columnValues(row).map(copyField).join('\t')).join('\n') + '\n';
    await pipeline(Readable.from([text]), c.query(copyFrom(`COPY annotations (tenant_id, agent, token_id, ${COLUMNS.join(', ')}) FROM STDIN`)));
  },
};

/** The sync request a client sent with these rows, as the server receives it (built once, not inside the clock). */
const requests = new WeakMap<Row[], string>();
const requestJson = (rows: Row[]) => requests.get(rows)!;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const database = await createPostgresDatabase(BASE_URL);
  const setup = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
  const names = (process.env.SHAPES?.split(',') ?? Object.keys(shapes)).filter((n) => n in shapes);
  const targets: Record<string, Target> = {};
  for (const [i, name] of names.entries()) targets[name] = { tenant: `shape-${i}`, token: (await createToken(setup, { tenantId: `shape-${i}`, role: 'agent', name: 'bench-agent' })).id };
  await setup.close();
  const pool = new pg.Pool({ connectionString: database.url, max: CLIENTS });
  pool.on('error', () => {}); // an idle connection ended (the database dropped at the end): nothing to do
  const dbName = new URL(database.url).pathname.slice(1);
  const rates: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  const cpu: Record<string, { js: number[]; postgres: number[] }> = Object.fromEntries(names.map((n) => [n, { js: [], postgres: [] }]));
  try {
    console.log(`statement shapes: ${CLIENTS} connections x ${REQUESTS} statements x ${BATCH} rows, ${ROUNDS} rounds (+1 warm-up), order rotating`);
    for (let round = 0; round <= ROUNDS; round++) {
      const work = Array.from({ length: CLIENTS }, (_, c) => {
        const clientId = randomUUID();
        return Array.from({ length: REQUESTS }, (_, i) => realisticAnnotations(BATCH, clientId, round * 100_000 + c * 1000 + i + 1).map((a) => ({ a, json: JSON.stringify(a) })));
      });
      for (const list of work) for (const rows of list) requests.set(rows, `{"clientId":"${rows[0]!.a.clientId}","annotations":[${rows.map((r) => r.json).join(',')}]}`);
      const order = names.map((_, k) => names[(k + round) % names.length]!);
      for (const name of order) {
        const started = performance.now();
        const used = await phaseCpu(pool, dbName, [process.pid], () =>
          Promise.all(work.map(async (list) => {
            const client = await pool.connect();
            try {
              for (const rows of list) await shapes[name]!(client, targets[name]!, rows);
            } finally {
              client.release();
            }
          })),
        );
        if (round === 0) continue;
        rates[name]!.push((CLIENTS * REQUESTS * BATCH) / ((performance.now() - started) / 1000));
        cpu[name]!.js.push((used.processes * 1000) / (CLIENTS * REQUESTS));
        cpu[name]!.postgres.push((used.postgres * 1000) / (CLIENTS * REQUESTS));
      }
    }
    const base = median(rates.values ?? [NaN]);
    console.log('shape                       rows/s  vs values   CPU per 500 rows: Postgres, this process (building and sending the statement)');
    for (const name of names) {
      const r = median(rates[name]!);
      console.log(`${name.padEnd(26)} ${r.toFixed(0).padStart(7)}  ${(r / base).toFixed(2).padStart(6)}x   ${median(cpu[name]!.postgres).toFixed(1).padStart(6)} ms  ${median(cpu[name]!.js).toFixed(1).padStart(6)} ms`);
    }
  } finally {
    await pool.end();
    await database.drop();
  }
}

await main();
