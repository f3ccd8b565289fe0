/**
 * What knowledge gaps cost, on a real Postgres. A realistic request of 500 annotations holds ~8%
 * missing-knowledge reports: storing it holds the tenant's gap lock shared (syncs do not wait for
 * each other) and the reports are numbered when the queue is next read, which holds the lock alone.
 * Syncs: the baseline, measured in the same run, stores the same requests with each report swapped
 * for a relevance click (same row count, no lock). Reads: after each round with reports, one reader
 * numbers what the round stored (`numberGaps`, as `GET /v1/gaps` does before it lists). Measured on a
 * tenant that already holds GAPS numbered gaps, with CLIENTS agents syncing at once.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/gap-numbering.ts
 *   GAPS=0,20000 CLIENTS=4 REQUESTS=5 ROUNDS=3 npx tsx bench/gap-numbering.ts
 */
import { randomUUID } from 'node:crypto';
import type { Annotation } from '../lib/contract';
import { storeAnnotations } from '../server/src/annotations/store';
import { createToken, type Auth } from '../server/src/auth/tokens';
import type { Database } from '../server/src/db/database';
import { openDatabase } from '../server/src/db/open';
import { numberGaps } from '../server/src/gaps/numbering';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { realisticAnnotations } from './realistic-annotations';

const BASE_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const GAPS = (process.env.GAPS ?? '0,20000').split(',').map(Number);
const CLIENTS = Number(process.env.CLIENTS ?? 4);
const REQUESTS = Number(process.env.REQUESTS ?? 5);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const BATCH = 500;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(0.95 * xs.length))]!;

/** The same annotation as a relevance click: what the baseline stores instead of a report. */
function withoutReports(annotations: Annotation[]): Annotation[] {
  return annotations.map((a) =>
    a.type === 'missing_knowledge' ? { ...a, type: 'relevance', payload: { articleId: randomUUID(), articleVersion: 1, rank: 1, label: 'irrelevant' } } : a,
  );
}

async function agent(db: Database, tenantId: string, name: string): Promise<Auth> {
  const { id } = await createToken(db, { tenantId, role: 'agent', name });
  return { tokenId: id, tenantId, role: 'agent', name };
}

/** CLIENTS agents, each sending REQUESTS requests one after another; latency per request. */
async function round(db: Database, agents: Auth[], reports: boolean, seed: number): Promise<number[]> {
  const latencies: number[] = [];
  await Promise.all(
    agents.map(async (auth, c) => {
      const clientId = randomUUID();
      const requests = Array.from({ length: REQUESTS }, (_, i) => {
        const annotations = realisticAnnotations(BATCH, clientId, seed * 1000 + c * 100 + i);
        return reports ? annotations : withoutReports(annotations);
      });
      for (const annotations of requests) {
        const t = performance.now();
        const results = await storeAnnotations(db, auth, clientId, annotations);
        latencies.push(performance.now() - t);
        if (results.some((r) => r.status !== 'stored')) throw new Error('a bench annotation was not stored');
      }
    }),
  );
  return latencies;
}

for (const gaps of GAPS) {
  const database = await createPostgresDatabase(BASE_URL);
  const db = await openDatabase({ databaseUrl: database.url, dataDir: 'memory://' });
  try {
    const tenantId = 'bench';
    // What a reader of the queue does before it lists: number the reports stored since the last read.
    const numberQueue = () => db.transaction((tx) => numberGaps(tx, tenantId));
    const agents = await Promise.all(Array.from({ length: CLIENTS }, (_, i) => agent(db, tenantId, `agent-${i}`)));
    // Earlier reports: the queue the numbering runs against.
    const filler = agents[0]!;
    const fillerClient = randomUUID();
    for (let done = 0; done < gaps; done += BATCH) {
      const reports = realisticAnnotations(BATCH * 14, fillerClient, done).filter((a) => a.type === 'missing_knowledge').slice(0, Math.min(BATCH, gaps - done));
      await storeAnnotations(db, filler, fillerClient, reports);
    }
    await numberQueue();
    await db.query('ANALYZE');
    await round(db, agents, true, 0);
    await numberQueue();
    const withGaps: number[] = [];
    const baseline: number[] = [];
    const reads: number[] = [];
    for (let r = 1; r <= ROUNDS; r++) {
      // Alternate which goes first, so neither always meets the cache the other warmed.
      const order = r % 2 === 0 ? [true, false] : [false, true];
      for (const reports of order) {
        (reports ? withGaps : baseline).push(...(await round(db, agents, reports, r * 2 + (reports ? 1 : 0))));
        if (!reports) continue;
        const t = performance.now();
        await numberQueue();
        reads.push(performance.now() - t);
      }
    }
    const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM knowledge_gaps WHERE tenant_id = $1', [tenantId]);
    console.log(
      `${gaps} earlier gaps, ${CLIENTS} agents x ${REQUESTS} requests x ${BATCH} annotations, ${ROUNDS} rounds: ` +
        `syncs with reports p50 ${median(withGaps).toFixed(0)} ms p95 ${p95(withGaps).toFixed(0)} ms; ` +
        `reports swapped for clicks p50 ${median(baseline).toFixed(0)} ms p95 ${p95(baseline).toFixed(0)} ms; ` +
        `ratio p50 ${(median(withGaps) / median(baseline)).toFixed(2)}; ` +
        `the next queue read numbering a round's reports p50 ${median(reads).toFixed(0)} ms; ${rows[0]!.n} gaps numbered in all`,
    );
  } finally {
    await db.close();
    await database.drop();
  }
}
