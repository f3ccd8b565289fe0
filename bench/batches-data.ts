/**
 * Synthetic flywheel data for the batch benchmark, loaded with COPY: a knowledge base with two
 * versions of some articles, impressions with a ticket thread and two arms, and annotations of
 * every type pointing at them (4 per impression on average), shaped like real traffic.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { DEFAULT_ADOPTION_THRESHOLDS, classifyAdoption, type Annotation, type Impression, type TicketContext } from '../lib/contract';
import { SENTENCES, rng } from './realistic-annotations';

const GAPS = ['How to move a subscription between workspaces', 'Refund rules for gift cards', 'Exporting invoices as CSV', 'Changing the account owner email', 'Shipping to PO boxes'];

// COPY text format: backslash, tab and newline must be escaped.
const field = (v: string | number | null) => (v === null ? '\\N' : String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r'));
const line = (values: (string | number | null)[]) => values.map(field).join('\t') + '\n';
const uuid7 = (ms: number, r: () => number) => {
  const hex = ms.toString(16).padStart(12, '0');
  const rand = Array.from({ length: 20 }, () => Math.floor(r() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7${rand.slice(0, 3)}-${'89ab'[Math.floor(r() * 4)]}${rand.slice(3, 6)}-${rand.slice(6, 18)}`;
};

export async function loadBenchData(url: string, tenantId: string, annotations: number, seed = 7): Promise<void> {
  const r = rng(seed);
  const text = (min: number, max: number) => Array.from({ length: min + Math.floor(r() * (max - min + 1)) }, () => SENTENCES[Math.floor(r() * SENTENCES.length)]).join(' ');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`INSERT INTO tenants (id) VALUES ($1) ON CONFLICT DO NOTHING`, [tenantId]);
    const articles = Array.from({ length: 200 }, (_, i) => ({ id: randomUUID(), title: `Help article ${i}`, body: text(4, 8), versions: i % 10 === 0 ? 2 : 1 }));
    for (const a of articles) {
      const hash = createHash('sha256').update(a.body).digest('hex');
      await client.query(`INSERT INTO knowledge_articles (tenant_id, id, source, external_id, version, title, body, content_hash) VALUES ($1, $2, 'markdown', $3, $4, $5, $6, $7)`, [tenantId, a.id, a.id, a.versions, a.title, a.body, hash]);
      for (let v = 1; v <= a.versions; v++) {
        await client.query(`INSERT INTO knowledge_article_versions (tenant_id, article_id, version, title, body, content_hash) VALUES ($1, $2, $3, $4, $5, $6)`, [tenantId, a.id, v, a.title, `${a.body} (v${v})`, hash]);
      }
    }
    const impressions = Math.ceil(annotations / 4);
    const start = Date.parse('2026-06-01T00:00:00Z');
    const impressionRows: string[] = [];
    const annotationRows: string[] = [];
    const tokenId = randomUUID();
    const clientId = randomUUID();
    let made = 0;
    // Two connections, one COPY each, fed in step so neither runs far ahead of Postgres.
    const second = new pg.Client({ connectionString: url });
    await second.connect();
    const impSource = new Readable({ read() {} });
    const annSource = new Readable({ read() {} });
    const impDone = pipeline(
      impSource,
      client.query(copyFrom(`COPY impressions (tenant_id, id, agent, platform, ticket_id, created_at, context, candidates, body, retriever_version, reranker_version, kb_version) FROM STDIN`)),
    );
    const annDone = pipeline(
      annSource,
      second.query(copyFrom(`COPY annotations (tenant_id, id, type, schema_version, agent, token_id, client_id, platform, ticket_id, impression_id, created_at, body) FROM STDIN`)),
    );
    for (let i = 0; i < impressions && made < annotations; i++) {
      const at = start + i * 7_000;
      const ticketId = String(100_000 + Math.floor(r() * impressions * 0.7));
      const shown = Array.from({ length: 8 }, () => articles[Math.floor(r() * articles.length)]!).filter((a, k, all) => all.indexOf(a) === k);
      const context: TicketContext = {
        platform: 'zendesk',
        ticketId,
        subject: `Question about order ${ticketId}`,
        messages: [
          { role: 'customer', text: `${text(2, 5)} My email is customer${i}@mail-provider.net and my phone is +44 20 7946 ${String(1000 + (i % 9000))}.` },
          { role: 'agent', text: text(1, 3) },
          { role: 'customer', text: text(1, 4) },
        ],
      };
      const impression: Impression = {
        id: uuid7(at, r),
        createdAt: new Date(at).toISOString(),
        ticket: { platform: 'zendesk', ticketId },
        pairwise: true,
        arms: [
          { slot: 'A', armId: 'extractive', provider: 'extractive', model: 'extractive-v1', promptVersion: 'extractive-1', text: text(2, 6), citedArticleIds: [shown[0]!.id] },
          { slot: 'B', armId: 'gpt-support', provider: 'openai', model: 'gpt-4o-mini', promptVersion: 'support-reply-3', text: text(2, 6), citedArticleIds: shown.slice(0, 2).map((a) => a.id) },
        ],
        displayOrder: r() < 0.5 ? ['A', 'B'] : ['B', 'A'],
        articles: shown.map((a, k) => ({ id: a.id, externalId: a.id, version: r() < 0.5 ? 1 : a.versions, title: a.title, snippet: a.body.slice(0, 120), url: null, score: 10 - k, rank: k + 1 })),
        versions: { retriever: 'bm25-1', reranker: 'rerank-1', kb: `kb-${1 + Math.floor(i / (impressions / 3))}` },
        degraded: [],
      };
      impressionRows.push(
        line([tenantId, impression.id, 'bench-agent', 'zendesk', ticketId, impression.createdAt, JSON.stringify(context), '[]', JSON.stringify(impression), 'bm25-1', 'rerank-1', impression.versions.kb]),
      );
      for (let k = 0; k < 4 && made < annotations; k++, made++) {
        const createdAt = new Date(at + 1000 * (k + 1)).toISOString();
        const base = { id: uuid7(at + k + 1, r), schemaVersion: 1 as const, createdAt, clientId, ticket: impression.ticket, impressionId: impression.id };
        const kind = r();
        let a: Annotation;
        if (kind < 0.35) {
          const similarity = Math.round(r() * 1000) / 1000;
          const outcome = classifyAdoption(similarity, DEFAULT_ADOPTION_THRESHOLDS);
          const slot = r() < 0.5 ? ('A' as const) : ('B' as const);
          const armText = impression.arms.find((x) => x.slot === slot)!.text;
          const sentText = outcome === 'as_is' ? armText : outcome === 'light_edit' ? `${armText} Best regards, Sam` : text(2, 6);
          a = { ...base, type: 'adoption', payload: { outcome, slot, similarity, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText, channel: 'public' } };
        } else if (kind < 0.55) {
          const verdict = (['A', 'B', 'A', 'B', 'tie', 'both_bad'] as const)[Math.floor(r() * 6)]!;
          a = { ...base, type: 'preference', payload: { verdict, ...(verdict === 'A' || verdict === 'B' ? { strength: 'clear' as const } : {}), shownOrder: ['A', 'B'] } };
        } else if (kind < 0.95) {
          const article = impression.articles[Math.floor(r() * impression.articles.length)]!;
          a = { ...base, type: 'relevance', payload: { articleId: article.id, articleVersion: article.version, rank: article.rank, label: (['relevant', 'partial', 'irrelevant', 'outdated'] as const)[Math.floor(r() * 4)]! } };
        } else {
          a = { ...base, type: 'missing_knowledge', payload: { description: `${GAPS[Math.floor(r() * GAPS.length)]} ${text(0, 1)}`, category: 'how_to' } };
        }
        annotationRows.push(
          line([tenantId, a.id, a.type, 1, 'bench-agent', tokenId, clientId, 'zendesk', ticketId, impression.id, createdAt, JSON.stringify(a)]),
        );
      }
      if (impressionRows.length >= 2000) {
        impSource.push(impressionRows.join(''));
        annSource.push(annotationRows.join(''));
        impressionRows.length = 0;
        annotationRows.length = 0;
        // Let the COPY streams drain so the generator never runs far ahead of Postgres.
        while (impSource.readableLength > 8 * 1024 * 1024 || annSource.readableLength > 8 * 1024 * 1024) await new Promise((res) => setTimeout(res, 5));
      }
    }
    impSource.push(impressionRows.join(''));
    annSource.push(annotationRows.join(''));
    impSource.push(null);
    annSource.push(null);
    await Promise.all([impDone, annDone]);
    await second.end();
    await client.query('ANALYZE annotations; ANALYZE impressions');
  } finally {
    await client.end();
  }
}
