import { openDatabase } from './server/src/db/open';
import { readSource } from './server/src/knowledge/sources/read-source';
import { importKnowledgeBase } from './server/src/knowledge/import';
import { readLabelledTickets, labelledQuery, selectSplit } from './server/src/knowledge/evaluation';
import { retrieveCandidates } from './server/src/knowledge/retrieval';
import { syntheticArticles } from './bench/synthetic-articles';
const demo = readSource('demo/kb').articles;
const db = await openDatabase({ databaseUrl: process.env.PGURL, dataDir: 'memory://' });
await importKnowledgeBase(db, { tenantId: 't', source: 's', origin: 'x', parsed: { format: 'markdown', articles: [...demo, ...syntheticArticles(demo, 9831)], skipped: [] } });
await importKnowledgeBase(db, { tenantId: 'd', source: 's', origin: 'x', parsed: { format: 'markdown', articles: demo, skipped: [] } });
const tickets = selectSplit(readLabelledTickets('demo/tickets.jsonl'), 'training').filter((t) => t.relevant.length);
for (const share of [1, 0.5, 0.25, 0.1]) {
  for (const tenant of ['t', 'd']) {
    let total = 0, matches = 0, rec = 0;
    for (const t of tickets) {
      const set = await retrieveCandidates(db, tenant, labelledQuery(t));
      let terms = set.terms.filter((x) => x.ndoc <= share * set.liveArticles);
      if (terms.length < 3) terms = set.terms.slice(0, 3);
      const tq = terms.map((x) => `'${x.lexeme.replace(/'/g, "''")}'`).join(' | ');
      const t0 = performance.now();
      const { rows } = await db.query<{ external_id: string }>(`SELECT external_id, ts_rank(search_vector, $2::tsquery) r FROM knowledge_articles WHERE tenant_id=$1 AND search_vector @@ $2::tsquery ORDER BY r DESC LIMIT 75`, [tenant, tq]);
      total += performance.now() - t0;
      const c = await db.query<{ n: number }>(`SELECT count(*)::int n FROM knowledge_articles WHERE tenant_id=$1 AND search_vector @@ $2::tsquery`, [tenant, tq]);
      matches += c.rows[0]!.n;
      rec += rows.filter((x) => t.relevant.includes(x.external_id)).length / t.relevant.length;
    }
    console.log('share', share, tenant === 't' ? '10k' : 'demo', 'avg ms', (total / tickets.length).toFixed(1), 'avg matches', (matches / tickets.length).toFixed(0), 'recall@75', (rec / tickets.length).toFixed(3));
  }
}
await db.close();
