/**
 * POST /v1/suggestions latency (p50/p95) with the embedded extractive arms over a 10,000-article
 * knowledge base, next to the bare search query time measured in the same run, on the embedded
 * database (PGlite, what `npm start` uses) and on Postgres.
 *
 *   npm run bench:suggestions
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test  (default; the bench creates and drops its own database)
 *   BENCH_POSTGRES=0 to skip Postgres, ARTICLES=10000, REQUESTS=300
 *
 * The knowledge base is the 169 demo articles plus synthetic articles assembled from their
 * sentences (fictional product lines, so the vocabulary overlaps the way a real help centre's
 * does). The queries are the 310 demo tickets. Measured, one request at a time after a warm-up, the
 * three in rotating order:
 * - bare search: one SQL statement, the OR query's top 75 by ts_rank (what the search engine costs);
 * - stage one: what suggestions run for retrieval (query terms with document frequencies, search
 *   with the reranker's per-candidate features);
 * - /v1/suggestions over HTTP: auth, retrieval, reranking, both extractive arms, storing the impression.
 */
import type { AddressInfo } from 'node:net';
import type { SuggestionRequest, TicketContext } from '../lib/contract';
import { buildApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { createToken } from '../server/src/auth/tokens';
import type { Database } from '../server/src/db/database';
import { openDatabase } from '../server/src/db/open';
import { IN_MEMORY } from '../server/src/db/pglite';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { labelledQuery, readLabelledTickets } from '../server/src/knowledge/evaluation';
import { importKnowledgeBase } from '../server/src/knowledge/import';
import { queryTerms, retrieveCandidates } from '../server/src/knowledge/retrieval';
import { readSource } from '../server/src/knowledge/sources/read-source';
import type { SourceArticle } from '../server/src/knowledge/sources/source-article';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { benchResult } from './bench-result';
import { syntheticArticles } from './synthetic-articles';

const ARTICLES = Number(process.env.ARTICLES ?? 10_000);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 20;
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench';

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;

/** The search engine alone: one statement, the served tsquery (built beforehand), top 75 by ts_rank. */
async function bareSearch(db: Database, tsquery: string) {
  await db.query(
    `SELECT a.id, ts_rank(a.search_vector, $2::tsquery) AS rank
       FROM knowledge_articles a
      WHERE a.tenant_id = $1 AND a.retired_at IS NULL AND a.search_vector @@ $2::tsquery
      ORDER BY rank DESC LIMIT 75`,
    [TENANT, tsquery],
  );
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

async function runOn(name: string, db: Database, articles: SourceArticle[]) {
  const t0 = performance.now();
  await importKnowledgeBase(db, { tenantId: TENANT, source: 'bench', origin: 'bench', parsed: { format: 'markdown', articles, skipped: [] } });
  const importMs = performance.now() - t0;
  const agent = await createToken(db, { tenantId: TENANT, role: 'agent', name: 'bench-agent' });
  const app = await buildApp({ config: { ...loadConfig({}), rateLimitPerMinute: 1_000_000, logLevel: 'silent' }, db });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  const tickets = readLabelledTickets(DEMO_TICKETS);
  const requests: SuggestionRequest[] = tickets.map((t) => ({
    pairwise: true,
    context: { platform: 'zendesk', ticketId: t.ticketId, ...(t.subject && { subject: t.subject }), messages: t.messages } satisfies TicketContext,
  }));
  // The tsquery of each ticket, built outside the timings.
  const tsqueries: string[] = [];
  for (const ticket of tickets) {
    // The baseline: one bare full-text OR query of the same terms, no ranking model.
    const { terms } = await queryTerms(db, TENANT, labelledQuery(ticket));
    tsqueries.push(terms.map((t) => `'${t.lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(' | '));
  }
  const bare: number[] = [];
  const stageOne: number[] = [];
  const api: number[] = [];
  try {
    for (let i = 0; i < WARMUP + REQUESTS; i++) {
      const ticket = tickets[i % tickets.length]!;
      const query = labelledQuery(ticket);
      const tsquery = tsqueries[i % tickets.length]!;
      const measures = {
        bare: () => (tsquery ? timed(() => bareSearch(db, tsquery)) : Promise.resolve(0)),
        stage: () => timed(() => retrieveCandidates(db, TENANT, query)),
        api: () =>
          timed(async () => {
            const res = await fetch(`${url}/v1/suggestions`, { method: 'POST', headers: { authorization: `Bearer ${agent.token}`, 'content-type': 'application/json' }, body: JSON.stringify(requests[i % requests.length]) });
            if (res.status !== 200) throw new Error(`/v1/suggestions answered ${res.status}: ${await res.text()}`);
            await res.json();
          }),
      };
      // Who goes first rotates, so none of the three always reads a cache another one warmed.
      const order = (['bare', 'stage', 'api'] as const).map((_, k, all) => all[(i + k) % all.length]!);
      const took: Record<string, number> = {};
      for (const name of order) took[name] = await measures[name]();
      const [bareMs, stageMs, apiMs] = [took.bare!, took.stage!, took.api!];
      if (i < WARMUP) continue;
      if (tsquery) bare.push(bareMs);
      stageOne.push(stageMs);
      api.push(apiMs);
    }
  } finally {
    await app.close();
  }
  console.log(`\n${name}: ${articles.length} articles imported in ${(importMs / 1000).toFixed(1)} s; ${REQUESTS} requests, one at a time, after ${WARMUP} warm-up`);
  console.log(`  bare search query (1 SQL, top 75 by ts_rank)    ${fmt(bare)}`);
  console.log(`  stage one as served (terms + search + features) ${fmt(stageOne)}`);
  console.log(`  POST /v1/suggestions over HTTP (2 arms, stored) ${fmt(api)}   (p50 ratio to bare search: ${(percentile(api, 50) / percentile(bare, 50)).toFixed(1)}x)`);
  benchResult('suggestions', { db: name.split(' ')[0], articles: articles.length, apiP50: percentile(api, 50), stageP50: percentile(stageOne, 50), bareP50: percentile(bare, 50) });
}

async function main() {
  const demo = readSource(DEMO_KB_DIR).articles;
  const articles = [...demo, ...syntheticArticles(demo, Math.max(0, ARTICLES - demo.length))];
  console.log(`Suggestions latency: ${articles.length} articles (${demo.length} demo + ${articles.length - demo.length} synthetic), extractive arms, pairwise`);

  const pglite = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
  try {
    await runOn('PGlite (embedded, in memory)', pglite, articles);
  } finally {
    await pglite.close();
  }

  if (process.env.BENCH_POSTGRES === '0') return;
  let database: Awaited<ReturnType<typeof createPostgresDatabase>>;
  try {
    database = await createPostgresDatabase(POSTGRES_URL);
  } catch (error) {
    console.log(`\nPostgres skipped: ${POSTGRES_URL} is unreachable (${(error as Error).message}); set BENCH_DATABASE_URL`);
    return;
  }
  const pg = await openDatabase({ databaseUrl: database.url, dataDir: IN_MEMORY });
  try {
    await runOn('Postgres', pg, articles);
  } finally {
    await pg.close();
    await database.drop();
  }
}

await main();
