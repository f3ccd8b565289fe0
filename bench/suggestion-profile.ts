/**
 * Where one suggestion's time goes, phase by phase, on the embedded database (PGlite) and on
 * Postgres: every SQL statement timed by what it does, plus the JavaScript work between them.
 *
 *   npx tsx bench/suggestion-profile.ts      REQUESTS=300 ARTICLES=169 BENCH_POSTGRES=0
 *
 * For a CPU profile of the whole server under a crowd, run the load bench with
 * SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR' and open the .cpuprofile in Chrome DevTools.
 */
import { createToken, authenticate } from '../server/src/auth/tokens';
import type { Database, Sql } from '../server/src/db/database';
import { openDatabase } from '../server/src/db/open';
import { IN_MEMORY } from '../server/src/db/pglite';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { readLabelledTickets } from '../server/src/knowledge/evaluation';
import { importKnowledgeBase } from '../server/src/knowledge/import';
import { readSource } from '../server/src/knowledge/sources/read-source';
import { loadConfig } from '../server/src/config';
import { suggestionEngine } from '../server/src/suggestions/engine';
import { suggest } from '../server/src/suggestions/suggest';
import { createPostgresDatabase } from '../server/test/helpers/databases';
import { syntheticArticles } from './synthetic-articles';

const REQUESTS = Number(process.env.REQUESTS ?? 300);
const ARTICLES = Number(process.env.ARTICLES ?? 0);
const POSTGRES_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TENANT = 'bench';

/** A statement's phase, from its text. */
function phase(sql: string): string {
  if (/FROM tokens WHERE hash/.test(sql)) return 'auth: token lookup';
  if (/UPDATE tokens SET last_used_at/.test(sql)) return 'auth: last used';
  if (/unnest\(to_tsvector/.test(sql)) return 'query: terms + document frequencies';
  if (/WITH q AS MATERIALIZED/.test(sql)) return 'query: BM25F search';
  if (/ts_rank_cd\(a\.search_vector/.test(sql)) return 'query: reranker text features';
  if (/knowledge_article_versions v/.test(sql)) return 'query: article texts';
  if (/INSERT INTO impressions/.test(sql)) return 'impression write';
  if (/SELECT revision FROM knowledge_bases/.test(sql)) return 'query: kb revision';
  return `other: ${sql.replace(/\s+/g, ' ').slice(0, 50)}`;
}

function timedSql(db: Database, spent: Map<string, number>): Database {
  const wrap = (inner: Sql): Sql => ({
    async query(text: string, params?: unknown[]) {
      const t = performance.now();
      try {
        return await inner.query(text, params);
      } finally {
        const k = phase(text);
        spent.set(k, (spent.get(k) ?? 0) + performance.now() - t);
      }
    },
    exec: (s: string) => inner.exec(s),
  }) as Sql;
  return { ...db, ...wrap(db), transaction: (fn) => db.transaction((tx) => fn(wrap(tx))) } as Database;
}

async function profile(name: string, raw: Database) {
  const demo = readSource(DEMO_KB_DIR).articles;
  const articles = [...demo, ...syntheticArticles(demo, Math.max(0, ARTICLES - demo.length))];
  await importKnowledgeBase(raw, { tenantId: TENANT, source: 'bench', origin: 'bench', parsed: { format: 'markdown', articles, skipped: [] } });
  const { token } = await createToken(raw, { tenantId: TENANT, role: 'agent', name: 'bench-agent' });
  const engine = suggestionEngine(loadConfig({}).suggestions);
  const tickets = readLabelledTickets(DEMO_TICKETS);
  const spent = new Map<string, number>();
  const db = timedSql(raw, spent);
  let total = 0;
  for (let i = 0; i < 20 + REQUESTS; i++) {
    if (i === 20) spent.clear(), (total = 0);
    const t = tickets[i % tickets.length]!;
    const started = performance.now();
    const auth = (await authenticate(db, token))!;
    await suggest(db, engine, auth, { pairwise: i % 2 === 0, context: { platform: 'zendesk', ticketId: t.ticketId, ...(t.subject && { subject: t.subject }), messages: t.messages } });
    total += performance.now() - started;
  }
  const sqlTotal = [...spent.values()].reduce((a, b) => a + b, 0);
  console.log(`\n${name}, ${articles.length} articles: ${(total / REQUESTS).toFixed(2)} ms per suggestion (auth + suggest, in process, one at a time, half pairwise)`);
  for (const [k, ms] of [...spent].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(40)} ${(ms / REQUESTS).toFixed(2).padStart(7)} ms  ${((ms / total) * 100).toFixed(0).padStart(3)}%`);
  console.log(`  ${'JavaScript (rerank, arms, snippets, zod)'.padEnd(40)} ${((total - sqlTotal) / REQUESTS).toFixed(2).padStart(7)} ms  ${(((total - sqlTotal) / total) * 100).toFixed(0).padStart(3)}%`);
}

const pglite = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
await profile('PGlite (in memory)', pglite).finally(() => pglite.close());
if (process.env.BENCH_POSTGRES !== '0') {
  const database = await createPostgresDatabase(POSTGRES_URL);
  const pg = await openDatabase({ databaseUrl: database.url, dataDir: IN_MEMORY });
  await profile('Postgres', pg).finally(async () => {
    await pg.close();
    await database.drop();
  });
}
