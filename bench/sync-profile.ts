/**
 * Where a sync's time goes, statement by statement, in process on Postgres: CLIENTS concurrent
 * callers of `storeAnnotations` with realistic 500-annotation requests, every SQL statement timed
 * by what it does (wall time, so waiting on a lock counts), plus the JavaScript around them
 * (validation, hashing, building the statement). Sync pipelines its statements, so a statement's
 * time includes waiting behind the ones sent before it, and COMMIT counts from when the caller
 * handed over to when the commit was answered: the lines overlap, their sum exceeds the request,
 * and the JavaScript line (request minus statements) is then meaningless; use the CPU profile.
 *
 *   npx tsx bench/sync-profile.ts      CLIENTS=4 REQUESTS=20
 *
 * For a CPU profile of the real server, run `npm run bench:sync` with
 * SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'.
 */
import { randomUUID } from 'node:crypto';
import { storeAnnotations } from '../server/src/annotations/store';
import { createToken, authenticate } from '../server/src/auth/tokens';
import type { Database, Sql } from '../server/src/db/database';
import { openDatabase } from '../server/src/db/open';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { realisticAnnotations } from './realistic-annotations';

const CLIENTS = Number(process.env.CLIENTS ?? 4);
const REQUESTS = Number(process.env.REQUESTS ?? 20);
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function phase(sql: string): string {
  if (/^BEGIN|^COMMIT/.test(sql)) return sql;
  if (/INSERT INTO clients/.test(sql)) return 'client ownership upsert';
  if (/pg_advisory_xact_lock/.test(sql)) return 'gap lock';
  if (/^WITH stored AS/.test(sql)) return "reports INSERT + their gap numbers";
  if (/INSERT INTO knowledge_gaps/.test(sql)) return 'gap numbering';
  if (/INSERT INTO annotations/.test(sql)) return 'annotations INSERT';
  if (/SELECT id::text AS id, body/.test(sql)) return 'existing bodies';
  return `other: ${sql.replace(/\s+/g, ' ').slice(0, 50)}`;
}

function timed(db: Database, spent: Map<string, number>): Database {
  const add = (k: string, t: number) => spent.set(k, (spent.get(k) ?? 0) + performance.now() - t);
  const wrap = (inner: Sql): Sql => ({
    async query(text: string, params?: unknown[]) {
      const t = performance.now();
      try {
        return await inner.query(text, params);
      } finally {
        add(phase(text), t);
      }
    },
    exec: (s: string) => inner.exec(s),
  }) as Sql;
  return {
    ...db,
    ...wrap(db),
    transaction: async (fn, options) => {
      let t = 0;
      const value = await db.transaction(async (tx) => {
        const v = await fn(wrap(tx));
        t = performance.now();
        return v;
      }, options);
      add('COMMIT', t);
      return value;
    },
  } as Database;
}

const database = await createPostgresDatabase(POSTGRES_URL);
const raw = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
try {
  const { token } = await createToken(raw, { tenantId: 'bench', role: 'agent', name: 'bench-agent' });
  const auth = (await authenticate(raw, token))!;
  const spent = new Map<string, number>();
  const db = timed(raw, spent);
  const work = Array.from({ length: CLIENTS }, (_, c) => {
    const clientId = randomUUID();
    return { clientId, requests: Array.from({ length: REQUESTS }, (_, i) => JSON.parse(JSON.stringify(realisticAnnotations(500, clientId, c * 1000 + i + 1))) as unknown[]) };
  });
  let total = 0;
  const started = performance.now();
  await Promise.all(
    work.map(async ({ clientId, requests }) => {
      for (const items of requests) {
        const t = performance.now();
        await storeAnnotations(db, auth, clientId, items);
        total += performance.now() - t;
      }
    }),
  );
  const wall = performance.now() - started;
  const n = CLIENTS * REQUESTS;
  const sqlTotal = [...spent.values()].reduce((a, b) => a + b, 0);
  console.log(`${n} requests of 500 from ${CLIENTS} callers: ${((n * 500) / (wall / 1000)).toFixed(0)} rows/s; per request ${(total / n).toFixed(1)} ms`);
  for (const [k, ms] of [...spent].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(36)} ${(ms / n).toFixed(1).padStart(7)} ms  ${((ms / total) * 100).toFixed(0).padStart(3)}%`);
  console.log(`  ${'JavaScript (validate, hash, build)'.padEnd(36)} ${((total - sqlTotal) / n).toFixed(1).padStart(7)} ms  ${(((total - sqlTotal) / total) * 100).toFixed(0).padStart(3)}%`);
} finally {
  await raw.close();
  await database.drop();
}
