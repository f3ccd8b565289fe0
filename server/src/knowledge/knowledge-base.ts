import type { Sql } from '../db/database';

/** The `kb` component version impressions and evaluations record. */
export const kbVersion = (revision: number) => `kb-${revision}`;

/**
 * After an import changed a tenant's articles: the next revision, the live-article count and the
 * per-term document frequencies the reranker's IDF features read. Runs inside the import's
 * transaction, so searches never see articles and statistics from different revisions.
 */
export async function refreshKnowledgeStats(tx: Sql, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ revision: number }>(
    `INSERT INTO knowledge_bases (tenant_id, revision, live_articles, updated_at)
     VALUES ($1, 1, (SELECT count(*)::int FROM knowledge_articles WHERE tenant_id = $1 AND retired_at IS NULL), now())
     ON CONFLICT (tenant_id) DO UPDATE
        SET revision = knowledge_bases.revision + 1, live_articles = EXCLUDED.live_articles, updated_at = now()
     RETURNING revision`,
    [tenantId],
  );
  await tx.query('DELETE FROM knowledge_terms WHERE tenant_id = $1', [tenantId]);
  // ts_stat counts, per lexeme, the documents of a query; the query is text, so the tenant is
  // quoted into it with format(%L).
  await tx.query(
    `INSERT INTO knowledge_terms (tenant_id, lexeme, ndoc)
     SELECT $1, word, ndoc FROM ts_stat(format(
       'SELECT search_vector FROM knowledge_articles WHERE tenant_id = %L AND retired_at IS NULL', $1::text))`,
    [tenantId],
  );
  await refreshPostings(tx, tenantId);
  return rows[0]!.revision;
}

/**
 * Stage one's BM25F index: per live article and stemmed term the count in the title and in the
 * body, each field's length, and the averages. Rewritten whole by an import that changed
 * anything (a few thousand rows per hundred articles), then ANALYZEd so the planner sees the new
 * sizes at once.
 */
async function refreshPostings(tx: Sql, tenantId: string): Promise<void> {
  await tx.query(
    `UPDATE knowledge_articles
        SET title_length = coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(to_tsvector('english', title))), 0),
            body_length = coalesce((SELECT sum(array_length(positions, 1)) FROM unnest(to_tsvector('english', body))), 0)
      WHERE tenant_id = $1 AND retired_at IS NULL`,
    [tenantId],
  );
  await tx.query('DELETE FROM knowledge_postings WHERE tenant_id = $1', [tenantId]);
  await tx.query(
    `INSERT INTO knowledge_postings (tenant_id, lexeme, article_id, title_tf, body_tf)
     SELECT a.tenant_id, t.lexeme, a.id, sum(t.title_tf)::int, sum(t.body_tf)::int
       FROM knowledge_articles a
      CROSS JOIN LATERAL (
        SELECT lexeme, array_length(positions, 1) AS title_tf, 0 AS body_tf FROM unnest(to_tsvector('english', a.title))
        UNION ALL
        SELECT lexeme, 0, array_length(positions, 1) FROM unnest(to_tsvector('english', a.body))
      ) t
      WHERE a.tenant_id = $1 AND a.retired_at IS NULL
      GROUP BY a.tenant_id, t.lexeme, a.id`,
    [tenantId],
  );
  await tx.query(
    `UPDATE knowledge_bases b
        SET avg_title_length = coalesce((SELECT avg(title_length) FROM knowledge_articles a WHERE a.tenant_id = b.tenant_id AND a.retired_at IS NULL), 0),
            avg_body_length = coalesce((SELECT avg(body_length) FROM knowledge_articles a WHERE a.tenant_id = b.tenant_id AND a.retired_at IS NULL), 0)
      WHERE tenant_id = $1`,
    [tenantId],
  );
  await tx.query('ANALYZE knowledge_postings');
}

export interface KnowledgeBaseState {
  revision: number;
  liveArticles: number;
}

export async function knowledgeBaseState(db: Sql, tenantId: string): Promise<KnowledgeBaseState> {
  const { rows } = await db.query<KnowledgeBaseState>(
    'SELECT revision, live_articles AS "liveArticles" FROM knowledge_bases WHERE tenant_id = $1',
    [tenantId],
  );
  return rows[0] ?? { revision: 0, liveArticles: 0 };
}

export interface SourceSummary {
  source: string;
  live: number;
  retired: number;
  lastImport: string | null;
}

/** Per source: live and retired articles and when it was last imported. */
export async function knowledgeSources(db: Sql, tenantId: string): Promise<SourceSummary[]> {
  const { rows } = await db.query<SourceSummary>(
    `SELECT a.source,
            count(*) FILTER (WHERE a.retired_at IS NULL)::int AS live,
            count(*) FILTER (WHERE a.retired_at IS NOT NULL)::int AS retired,
            (SELECT to_char(max(i.imported_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
               FROM knowledge_imports i WHERE i.tenant_id = a.tenant_id AND i.source = a.source) AS "lastImport"
       FROM knowledge_articles a WHERE a.tenant_id = $1
      GROUP BY a.tenant_id, a.source ORDER BY a.source`,
    [tenantId],
  );
  return rows;
}
