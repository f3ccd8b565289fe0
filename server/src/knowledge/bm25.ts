import type { Sql } from '../db/database';

/**
 * BM25F (Robertson, Zaragoza & Taylor 2004) over title and body, computed inside the database
 * from `knowledge_postings`, so every replica, PGlite and Postgres rank alike. A field's term
 * count is normalised by the field's length against its average, weighted, and summed before the
 * saturation k1; a learned model adds a third field, the wording of tickets agents confirmed an
 * article answered (not length-normalised: its weights are already capped per article).
 */
export interface Bm25fParams {
  k1: number;
  title: { weight: number; b: number };
  body: { weight: number; b: number };
  /** Weight of the learned ticket wording (0: none). */
  expansion: number;
}

/** Tuned on the training share of the demo and ParcelPoint sets (bench/flywheel.ts), never on a holdout. */
export const BM25F_DEFAULT: Bm25fParams = { k1: 1.2, title: { weight: 2, b: 0.5 }, body: { weight: 1, b: 0.75 }, expansion: 0 };

/** The plain BM25 every user can compare against: title and body as one field, k1 1.2, b 0.75. */
export const PLAIN_BM25 = { k1: 1.2, b: 0.75 } as const;

export interface Bm25Hit {
  id: string;
  score: number;
  /** The part of the score that came from learned ticket wording. */
  expansion: number;
  /**
   * Indexes (ascending) of the query terms in the article's title or body, and in its title: the
   * same as matching its search vector against each term and each term's weight A, read from the
   * postings the score already joined, so stage one need not test each term against each vector.
   */
  matched: number[];
  titleMatched: number[];
}

export interface Bm25Query {
  lexemes: string[];
  idf: number[];
  /** Per-term weight of the query (1 for the ticket's own words, lower for learned associations). */
  weight: number[];
}

export type Bm25Mode = { kind: 'bm25f'; params: Bm25fParams; expansionVersion: string | null } | { kind: 'plain' };

/** The best `limit` live articles for the query terms, best first, ties by external id then id. */
export async function bm25Search(db: Sql, tenantId: string, query: Bm25Query, mode: Bm25Mode, limit: number): Promise<Bm25Hit[]> {
  if (query.lexemes.length === 0) return [];
  const plain = mode.kind === 'plain';
  const p = plain ? null : mode.params;
  const expansionVersion = mode.kind === 'bm25f' && mode.params.expansion > 0 ? mode.expansionVersion : null;
  // One field weight expression per mode, over the numbers in the `k` row.
  const fieldTf = plain
    ? `(per.tt + per.bt) / (1 - k.b + k.b * (a.title_length + a.body_length) / greatest(kb.at + kb.ab, 1))`
    : `k.wt * per.tt / (1 - k.bt + k.bt * a.title_length / greatest(kb.at, 1)) + k.wb * per.bt / (1 - k.bb + k.bb * a.body_length / greatest(kb.ab, 1))`;
  const { rows } = await db.query<Bm25Hit>(
    `WITH q AS MATERIALIZED (SELECT lexeme, idf, qw, (ord - 1)::int AS ord FROM unnest($2::text[], $3::float8[], $4::float8[]) WITH ORDINALITY AS q(lexeme, idf, qw, ord)),
          kb AS (SELECT avg_title_length AS at, avg_body_length AS ab FROM knowledge_bases WHERE tenant_id = $1),
          k AS (SELECT $5::float8 AS k1, $6::float8 AS b, $7::float8 AS wt, $8::float8 AS bt, $9::float8 AS wb, $10::float8 AS bb, $12::float8 AS we),
          tf AS MATERIALIZED (
            SELECT p.article_id, p.lexeme, p.title_tf::float8 AS tt, p.body_tf::float8 AS bt, 0::float8 AS et
              FROM knowledge_postings p JOIN q ON q.lexeme = p.lexeme WHERE p.tenant_id = $1
            UNION ALL
            SELECT x.article_id, x.lexeme, 0, 0, x.weight
              FROM retrieval_expansion_terms x JOIN q ON q.lexeme = x.lexeme WHERE x.tenant_id = $1 AND x.version = $11::text
          ),
          per AS (SELECT article_id, lexeme, sum(tt) AS tt, sum(bt) AS bt, sum(et) AS et FROM tf GROUP BY article_id, lexeme),
          scored AS (
            SELECT per.article_id,
                   sum(q.qw * q.idf * f.w / (k.k1 + f.w)) AS score,
                   sum(q.qw * q.idf * f.w / (k.k1 + f.w) * f.e / greatest(f.w, 1e-9)) AS expansion,
                   coalesce(array_agg(q.ord) FILTER (WHERE per.tt + per.bt > 0), '{}') AS matched,
                   coalesce(array_agg(q.ord) FILTER (WHERE per.tt > 0), '{}') AS title_matched
              FROM per
              JOIN q ON q.lexeme = per.lexeme
              JOIN knowledge_articles a ON a.tenant_id = $1 AND a.id = per.article_id AND a.retired_at IS NULL
             CROSS JOIN kb
             CROSS JOIN k
             CROSS JOIN LATERAL (SELECT ${fieldTf} + k.we * per.et AS w, k.we * per.et AS e) f
             GROUP BY per.article_id
          )
     SELECT s.article_id::text AS id, s.score::float8 AS score, s.expansion::float8 AS expansion, s.matched, s.title_matched AS "titleMatched"
       FROM scored s JOIN knowledge_articles a ON a.tenant_id = $1 AND a.id = s.article_id
      WHERE s.score > 0
      ORDER BY s.score DESC, a.external_id, a.id
      LIMIT $13`,
    [
      tenantId,
      query.lexemes,
      query.idf,
      query.weight,
      plain ? PLAIN_BM25.k1 : p!.k1,
      plain ? PLAIN_BM25.b : 0,
      p?.title.weight ?? 0,
      p?.title.b ?? 0,
      p?.body.weight ?? 0,
      p?.body.b ?? 0,
      expansionVersion ?? '',
      expansionVersion ? p!.expansion : 0,
      limit,
    ],
  );
  // Sorted here rather than by an ordered aggregate per article in the database.
  const ascending = (a: number, b: number) => a - b;
  for (const r of rows) {
    r.matched.sort(ascending);
    r.titleMatched.sort(ascending);
  }
  return rows;
}
