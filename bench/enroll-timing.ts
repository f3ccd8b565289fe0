/**
 * Whether POST /v1/enroll's timing tells an attacker holding a key which emails have enrolled
 * before: latency (p50/p95) of enrolling a new address next to re-enrolling a known one,
 * interleaved in one run so machine noise hits both alike; a refused unknown key alongside. On
 * the embedded database (PGlite) and on Postgres.
 *
 *   npm run bench:enroll
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test  (default; the bench creates and drops its own database)
 *   BENCH_POSTGRES=0 to skip Postgres, REQUESTS=300 (per kind)
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { buildApp } from '../server/src/app';
import type { Database } from '../server/src/db/database';
import { openDatabase } from '../server/src/db/open';
import { IN_MEMORY } from '../server/src/db/pglite';
import { createEnrollmentKey } from '../server/src/enrollment/keys';
import { createPostgresDatabase } from '../server/test/helpers/databases';

const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 30;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(2)} ms, p95 ${percentile(xs, 95).toFixed(2)} ms`;

async function run(name: string, db: Database) {
  const { enrollmentKey } = await createEnrollmentKey(db, { tenantId: 'bench', request: { emailDomains: ['example.com'] }, actor: 'bench' });
  const unlimited = { perMinute: 1e9, perAddressPerHour: 1e9, failuresPerQuarterHour: 1e9 };
  const app = await buildApp({
    config: { bodyLimit: 1 << 20, rateLimitPerMinute: 1e9, logLevel: 'silent', trustProxy: false, tooFastMs: 3000, batchLeaseSeconds: 120, enrollment: unlimited },
    db,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/enroll`;
  const known = Array.from({ length: 50 }, (_, i) => `known-${i}@example.com`);
  const post = async (body: object) => {
    const t = performance.now();
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    await res.arrayBuffer();
    return { ms: performance.now() - t, status: res.status };
  };
  for (const email of known) await post({ enrollmentKey, email, platform: 'zendesk' });

  const times = { fresh: [] as number[], again: [] as number[], unknownKey: [] as number[] };
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    // Interleaved, in a rotating order, so drift and noise fall on every kind.
    const kinds = [
      ['fresh', { enrollmentKey, email: `new-${i}-${randomBytes(3).toString('hex')}@example.com`, platform: 'zendesk' }],
      ['again', { enrollmentKey, email: known[i % known.length], platform: 'zendesk' }],
      ['unknownKey', { enrollmentKey: `aitl_enroll_${randomBytes(32).toString('hex')}`, email: known[i % known.length], platform: 'zendesk' }],
    ] as const;
    for (let k = 0; k < kinds.length; k++) {
      const [kind, body] = kinds[(i + k) % kinds.length]!;
      const { ms, status } = await post(body);
      if (status !== (kind === 'unknownKey' ? 401 : 200)) throw new Error(`${kind}: unexpected ${status}`);
      if (i >= WARMUP) times[kind].push(ms);
    }
  }
  await app.close();
  console.log(`\n${name}: ${REQUESTS} requests of each kind, interleaved, one at a time, after ${WARMUP} warm-up rounds`);
  console.log(`  enrol a new address (baseline)        ${fmt(times.fresh)}`);
  console.log(`  enrol a known address again           ${fmt(times.again)}   (p50 difference ${(percentile(times.again, 50) - percentile(times.fresh, 50)).toFixed(2)} ms)`);
  console.log(`  unknown key (401, audited)            ${fmt(times.unknownKey)}`);
}

async function main() {
  console.log('POST /v1/enroll: does timing tell a new address from a known one?');
  const pglite = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
  try {
    await run('PGlite (embedded)', pglite);
  } finally {
    await pglite.close();
  }
  if (process.env.BENCH_POSTGRES === '0') return;
  let created: Awaited<ReturnType<typeof createPostgresDatabase>>;
  try {
    created = await createPostgresDatabase(POSTGRES_URL);
  } catch (error) {
    console.log(`\nPostgres skipped: ${POSTGRES_URL} is unreachable (${(error as Error).message}); set BENCH_DATABASE_URL`);
    return;
  }
  const pg = await openDatabase({ databaseUrl: created.url, dataDir: IN_MEMORY });
  try {
    await run('Postgres', pg);
  } finally {
    await pg.close();
    await created.drop();
  }
}

await main();
