import type { Database, Sql } from '../db/database';
import { embed, type EmbeddingsConfig } from './embeddings';

const BATCH = 32;

/**
 * Embeds every live article version of a tenant that has no vector for the configured model yet,
 * in batches, committing each batch. Re-runnable: after a failure it resumes where it stopped.
 */
export async function embedMissingArticles(db: Database, tenantId: string, config: EmbeddingsConfig): Promise<number> {
  let done = 0;
  for (;;) {
    const { rows } = await db.query<{ id: string; version: number; title: string; body: string }>(
      `SELECT a.id::text AS id, a.version, a.title, a.body
         FROM knowledge_articles a
        WHERE a.tenant_id = $1 AND a.retired_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM knowledge_embeddings e
                           WHERE e.tenant_id = a.tenant_id AND e.model = $2 AND e.article_id = a.id AND e.version = a.version)
        ORDER BY a.id LIMIT $3`,
      [tenantId, config.model, BATCH],
    );
    if (rows.length === 0) return done;
    const vectors = await embed(config, rows.map((r) => `${r.title}\n\n${r.body}`));
    await db.query(
      `INSERT INTO knowledge_embeddings (tenant_id, article_id, version, model, embedding)
       SELECT $1, r.id, r.version, $2, r.embedding
         FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, version integer, embedding real[])
       ON CONFLICT DO NOTHING`,
      [tenantId, config.model, JSON.stringify(rows.map((r, i) => ({ id: r.id, version: r.version, embedding: Array.from(vectors[i]!) })))],
    );
    done += rows.length;
  }
}

interface DenseIndex {
  key: string;
  ids: string[];
  versions: number[];
  dims: number;
  /** Row-major unit vectors, one per article. */
  matrix: Float32Array;
}

/**
 * The vectors of a tenant's live articles, held in memory per server process and reloaded when
 * the knowledge base's revision or its number of vectors changes (checked on every search, one
 * cheap query), so replicas never serve from a stale index for long.
 */
export class DenseIndexCache {
  private readonly byTenant = new Map<string, DenseIndex>();

  async get(db: Sql, tenantId: string, model: string): Promise<DenseIndex> {
    const { rows: state } = await db.query<{ revision: number; vectors: number }>(
      `SELECT coalesce((SELECT revision FROM knowledge_bases WHERE tenant_id = $1), 0) AS revision,
              (SELECT count(*)::int FROM knowledge_embeddings WHERE tenant_id = $1 AND model = $2) AS vectors`,
      [tenantId, model],
    );
    const key = `${model}@${state[0]!.revision}/${state[0]!.vectors}`;
    const cached = this.byTenant.get(tenantId);
    if (cached?.key === key) return cached;
    const { rows } = await db.query<{ id: string; version: number; embedding: number[] }>(
      `SELECT e.article_id::text AS id, e.version, e.embedding
         FROM knowledge_embeddings e
         JOIN knowledge_articles a ON a.tenant_id = e.tenant_id AND a.id = e.article_id AND a.version = e.version AND a.retired_at IS NULL
        WHERE e.tenant_id = $1 AND e.model = $2
        ORDER BY e.article_id`,
      [tenantId, model],
    );
    const dims = rows[0]?.embedding.length ?? 0;
    const usable = rows.filter((r) => r.embedding.length === dims);
    const matrix = new Float32Array(usable.length * dims);
    usable.forEach((r, i) => matrix.set(r.embedding, i * dims));
    const index = { key, ids: usable.map((r) => r.id), versions: usable.map((r) => r.version), dims, matrix };
    this.byTenant.set(tenantId, index);
    return index;
  }
}

/** The `limit` nearest articles to a unit query vector by cosine similarity, best first (ties by id). */
export function nearest(index: DenseIndex, query: Float32Array, limit: number): { id: string; version: number; similarity: number }[] {
  if (index.dims === 0 || query.length !== index.dims) return [];
  const scored: { i: number; s: number }[] = [];
  for (let i = 0; i < index.ids.length; i++) {
    let s = 0;
    const offset = i * index.dims;
    for (let j = 0; j < index.dims; j++) s += index.matrix[offset + j]! * query[j]!;
    scored.push({ i, s });
  }
  scored.sort((a, b) => b.s - a.s || index.ids[a.i]!.localeCompare(index.ids[b.i]!));
  return scored.slice(0, limit).map(({ i, s }) => ({ id: index.ids[i]!, version: index.versions[i]!, similarity: s }));
}
