import { LIMITS } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { BM25F_DEFAULT, bm25Search, type Bm25Mode } from './bm25';
import type { TicketQuery } from './ticket-query';

/**
 * Stage one: BM25F over title and body (bm25.ts), index and statistics in the database. A tenant's
 * promoted retriever adds learned ticket wording per article and is recorded as `bm25f-1.<turn>`.
 * Recorded on every impression and evaluation; change it whenever the ranking changes.
 * (pg-fts-2 ranked an OR of the ticket's terms by ts_rank, which has no term rarity.)
 */
export const RETRIEVER_VERSION = 'bm25f-1';

/** Terms kept in one query; the rarest are kept, since common terms barely separate articles. */
const MAX_QUERY_TERMS = 48;

/** What stage one runs: the shipped BM25F, a learned version, or the plain BM25 baseline. */
export interface StageOne {
  version: string;
  mode: Bm25Mode;
}
export const DEFAULT_STAGE_ONE: StageOne = { version: RETRIEVER_VERSION, mode: { kind: 'bm25f', params: BM25F_DEFAULT, expansionVersion: null } };
export const PLAIN_BM25_STAGE_ONE: StageOne = { version: 'bm25-plain', mode: { kind: 'plain' } };

export interface QueryTerm {
  lexeme: string;
  /** Live articles containing it. */
  ndoc: number;
  inSubject: boolean;
  /** BM25 inverse document frequency: rare terms say more about which article answers. */
  idf: number;
}

/** A first-stage hit with what the reranker needs to judge it. */
export interface Candidate {
  id: string;
  externalId: string;
  version: number;
  title: string;
  url: string | null;
  /** Stage-one score: BM25F, or the reciprocal-rank fusion score in hybrid search. */
  score: number;
  /** BM25F score (0 for a vector hit the text search did not match). */
  textRank: number;
  /** The part of `textRank` from learned ticket wording (0 without a learned retriever). */
  expansion: number;
  /** Cosine similarity to the ticket when embeddings are configured, else null. */
  dense: number | null;
  /** ts_rank_cd (cover density: matched terms close together), scaled to 0..1. */
  cover: number;
  /** Distinct lexemes in the article. */
  lexemes: number;
  titleLexemes: number;
  /** Indexes into the query terms matched anywhere, and in the title. */
  matched: number[];
  titleMatched: number[];
}

export interface RetrievalSet {
  terms: QueryTerm[];
  candidates: Candidate[];
  /** Knowledge-base revision the search ran on. */
  revision: number;
  liveArticles: number;
}

export const idf = (ndoc: number, n: number) => Math.log(1 + (n - ndoc + 0.5) / (ndoc + 0.5));

/** A lexeme as a tsquery operand: quoted, with quotes and backslashes escaped. */
const operand = (lexeme: string) => `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;

/**
 * The ticket's stemmed terms that occur in the knowledge base (or in a learned retriever's ticket
 * wording), with their document frequencies. Postgres does the stemming, so query and index are
 * stemmed the same way.
 */
export async function queryTerms(
  db: Sql,
  tenantId: string,
  query: TicketQuery,
  expansionVersion: string | null = null,
): Promise<{ terms: QueryTerm[]; liveArticles: number }> {
  // One row whatever matches: the live-article count must not depend on the ticket's words.
  const { rows: [row] } = await db.query<{ live: number | null; terms: { lexeme: string; in_subject: boolean; ndoc: number }[] }>(
    `WITH t AS (
       SELECT lexeme, true AS in_subject FROM unnest(to_tsvector('english', $2))
       UNION ALL
       SELECT lexeme, false FROM unnest(to_tsvector('english', $3))
     ),
     d AS (
       SELECT t.lexeme, bool_or(t.in_subject) AS in_subject,
              greatest(coalesce(max(k.ndoc), 0), (SELECT count(DISTINCT x.article_id)::int FROM retrieval_expansion_terms x
                                                   WHERE x.tenant_id = $1 AND x.version = $4::text AND x.lexeme = t.lexeme)) AS ndoc
         FROM t LEFT JOIN knowledge_terms k ON k.tenant_id = $1 AND k.lexeme = t.lexeme
        GROUP BY t.lexeme
     )
     SELECT (SELECT live_articles FROM knowledge_bases WHERE tenant_id = $1) AS live,
            coalesce((SELECT json_agg(json_build_object('lexeme', d.lexeme, 'in_subject', d.in_subject, 'ndoc', d.ndoc))
                        FROM d WHERE d.ndoc > 0), '[]'::json) AS terms`,
    [tenantId, query.subject, query.body, expansionVersion ?? ''],
  );
  const liveArticles = row?.live ?? 0;
  const rows = row?.terms ?? [];
  const ranked = rows
    .map((r) => ({ lexeme: r.lexeme, ndoc: r.ndoc, inSubject: r.in_subject, idf: idf(Math.min(r.ndoc, liveArticles), liveArticles) }))
    .sort((a, b) => b.idf - a.idf || a.lexeme.localeCompare(b.lexeme));
  return { terms: ranked.slice(0, MAX_QUERY_TERMS), liveArticles };
}

/** Vector search results handed to stage one when embeddings are configured. */
export interface DenseHits {
  /** Nearest articles to the ticket, best first. */
  hits: { id: string; similarity: number }[];
  /** Cosine similarity of any article to the ticket, or null when it has no vector. */
  similarity(id: string): number | null;
}

/** Reciprocal rank fusion constant (Cormack et al. 2009): lists are merged by 1 / (k + rank). */
const RRF_K = 60;

/**
 * The top 75 live articles for a ticket, best first: BM25F alone, or fused with vector search by
 * reciprocal rank when `dense` is given. Ties are broken by external id, then id, so the same
 * query on the same revision gives the same list on every replica.
 */
export async function retrieveCandidates(
  db: Sql,
  tenantId: string,
  query: TicketQuery,
  options: { limit?: number; dense?: DenseHits; stageOne?: StageOne } = {},
): Promise<RetrievalSet> {
  const { limit = LIMITS.candidates, dense, stageOne = DEFAULT_STAGE_ONE } = options;
  const expansionVersion = stageOne.mode.kind === 'bm25f' ? stageOne.mode.expansionVersion : null;
  const { terms, liveArticles } = await queryTerms(db, tenantId, query, expansionVersion);
  const operands = terms.map((t) => operand(t.lexeme));
  const bm25Query = { lexemes: terms.map((t) => t.lexeme), idf: terms.map((t) => t.idf), weight: terms.map(() => 1) };
  const hits = await bm25Search(db, tenantId, bm25Query, stageOne.mode, limit);
  const byId = new Map(hits.map((h) => [h.id, h]));
  const textRows = hits.length > 0 ? await candidateRows(db, tenantId, hits.map((h) => h.id), operands, false) : { rows: [], revision: null };
  const text = textRows.rows
    .map((c) => {
      const hit = byId.get(c.id)!;
      return { ...c, score: hit.score, textRank: hit.score, expansion: hit.expansion, matched: hit.matched, titleMatched: hit.titleMatched };
    })
    .sort((a, b) => b.score - a.score || a.externalId.localeCompare(b.externalId) || a.id.localeCompare(b.id));
  if (!dense) {
    return { terms, candidates: text.map((c) => ({ ...c, dense: null })), revision: textRows.revision ?? (await revisionOf(db, tenantId)), liveArticles };
  }

  const textRank = new Map(text.map((c, i) => [c.id, i + 1]));
  const denseHits = dense.hits.slice(0, limit);
  const denseRank = new Map(denseHits.map((h, i) => [h.id, i + 1]));
  const missing = denseHits.map((h) => h.id).filter((id) => !textRank.has(id));
  const extra = missing.length > 0 ? await candidateRows(db, tenantId, missing, operands, true) : { rows: [], revision: null };
  const fused = [...text, ...extra.rows.map((c) => ({ ...c, score: 0, textRank: 0, expansion: 0 }))].map((c) => ({
    ...c,
    score: (textRank.has(c.id) ? 1 / (RRF_K + textRank.get(c.id)!) : 0) + (denseRank.has(c.id) ? 1 / (RRF_K + denseRank.get(c.id)!) : 0),
    dense: dense.similarity(c.id),
  }));
  fused.sort((a, b) => b.score - a.score || a.externalId.localeCompare(b.externalId) || a.id.localeCompare(b.id));
  return { terms, candidates: fused.slice(0, limit), revision: textRows.revision ?? extra.revision ?? (await revisionOf(db, tenantId)), liveArticles };
}

async function revisionOf(db: Sql, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ revision: number }>('SELECT revision FROM knowledge_bases WHERE tenant_id = $1', [tenantId]);
  return rows[0]?.revision ?? 0;
}

type TextFeatures = Omit<Candidate, 'dense' | 'score' | 'textRank' | 'expansion'>;

/**
 * The reranker's text features of the given live articles (cover density, lengths, and with
 * `withMatches` the matched query terms, which BM25F hits already carry: testing every term
 * against every vector was a third of this statement).
 */
async function candidateRows(db: Sql, tenantId: string, ids: string[], operands: string[], withMatches: boolean): Promise<{ rows: TextFeatures[]; revision: number | null }> {
  const matches = withMatches
    ? `ARRAY(SELECT i - 1 FROM generate_subscripts($4::tsquery[], 1) i WHERE a.search_vector @@ ($4::tsquery[])[i]) AS matched,
            ARRAY(SELECT i - 1 FROM generate_subscripts($5::tsquery[], 1) i WHERE a.search_vector @@ ($5::tsquery[])[i]) AS "titleMatched",`
    : `'{}'::int[] AS matched, '{}'::int[] AS "titleMatched",`;
  const { rows } = await db.query<TextFeatures & { revision: number }>(
    `SELECT a.id::text AS id, a.external_id AS "externalId", a.version, a.title, a.url,
            CASE WHEN $2::text = '' THEN 0 ELSE ts_rank_cd(a.search_vector, $2::tsquery, 32) END::float8 AS cover,
            length(a.search_vector) AS lexemes,
            length(to_tsvector('english', a.title)) AS "titleLexemes",
            ${matches}
            (SELECT revision FROM knowledge_bases WHERE tenant_id = $1) AS revision
       FROM knowledge_articles a
      WHERE a.tenant_id = $1 AND a.retired_at IS NULL AND a.id = ANY($3::uuid[])`,
    [tenantId, operands.join(' | '), ids, ...(withMatches ? [operands, operands.map((o) => `${o}:A`)] : [])],
  );
  return { rows: rows.map(({ revision: _r, ...c }) => c), revision: rows[0]?.revision ?? null };
}

export interface ArticleText {
  id: string;
  version: number;
  title: string;
  body: string;
  url: string | null;
}

/**
 * The exact text of article versions, from the immutable version table: an import committing
 * between search and generation cannot swap the text under a recorded version.
 */
export async function articleTexts(db: Sql, tenantId: string, refs: { id: string; version: number }[]): Promise<Map<string, ArticleText>> {
  if (refs.length === 0) return new Map();
  const { rows } = await db.query<ArticleText>(
    `SELECT v.article_id::text AS id, v.version, v.title, v.body, v.url
       FROM knowledge_article_versions v
       JOIN unnest($2::uuid[], $3::int[]) AS r(id, version) ON v.article_id = r.id AND v.version = r.version
      WHERE v.tenant_id = $1`,
    [tenantId, refs.map((r) => r.id), refs.map((r) => r.version)],
  );
  return new Map(rows.map((r) => [r.id, r]));
}
