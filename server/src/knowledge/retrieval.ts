import { LIMITS } from '../../../lib/contract';
import type { Sql } from '../db/database';
import type { TicketQuery } from './ticket-query';

/**
 * Stage one: Postgres full-text search over live articles (English stemming; title weighted
 * above body), the query an OR of the ticket's terms minus the knowledge base's own stop words,
 * ranked by ts_rank. Recorded on every impression and evaluation; change it whenever the ranking
 * changes. (pg-fts-1 searched every term.)
 */
export const RETRIEVER_VERSION = 'pg-fts-2';

/** Terms kept in one query; the rarest are kept, since common terms barely separate articles. */
const MAX_QUERY_TERMS = 48;
/**
 * In a large knowledge base, terms found in more than this share of its articles are left out of
 * the search (not out of the reranker's features): ts_rank weighs every matched term alike, so
 * "app" or "set" add noise, and each drags thousands of articles into ranking. Chosen on the
 * training third of the demo tickets: over 10,000 articles recall@75 went from 0.933 to 0.961 and
 * first-stage time fell 12%; on the 169-article demo help centre it cost MRR, so small knowledge
 * bases keep every term.
 */
const COMMON_TERM_SHARE = 0.25;
const COMMON_TERM_MIN_ARTICLES = 1_000;
const MIN_QUERY_TERMS = 3;

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
  /** Stage-one score: ts_rank of the query, or the reciprocal-rank fusion score in hybrid search. */
  score: number;
  /** ts_rank of the query (0 for a vector hit the text search did not match). */
  textRank: number;
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
 * The ticket's stemmed terms that occur in the knowledge base, with their document frequencies.
 * Postgres does the stemming, so query and index are stemmed the same way.
 */
export async function queryTerms(db: Sql, tenantId: string, query: TicketQuery): Promise<{ terms: QueryTerm[]; liveArticles: number }> {
  // One row whatever matches: the live-article count must not depend on the ticket's words.
  const { rows: [row] } = await db.query<{ live: number | null; terms: { lexeme: string; in_subject: boolean; ndoc: number }[] }>(
    `WITH t AS (
       SELECT lexeme, true AS in_subject FROM unnest(to_tsvector('english', $2))
       UNION ALL
       SELECT lexeme, false FROM unnest(to_tsvector('english', $3))
     )
     SELECT (SELECT live_articles FROM knowledge_bases WHERE tenant_id = $1) AS live,
            coalesce((SELECT json_agg(json_build_object('lexeme', m.lexeme, 'in_subject', m.in_subject, 'ndoc', m.ndoc))
                        FROM (SELECT t.lexeme, bool_or(t.in_subject) AS in_subject, k.ndoc
                                FROM t JOIN knowledge_terms k ON k.tenant_id = $1 AND k.lexeme = t.lexeme
                               GROUP BY t.lexeme, k.ndoc) m), '[]'::json) AS terms`,
    [tenantId, query.subject, query.body],
  );
  const liveArticles = row?.live ?? 0;
  const rows = row?.terms ?? [];
  const ranked = rows
    .map((r) => ({ lexeme: r.lexeme, ndoc: r.ndoc, inSubject: r.in_subject, idf: idf(r.ndoc, liveArticles) }))
    .sort((a, b) => b.idf - a.idf || a.lexeme.localeCompare(b.lexeme));
  return { terms: ranked.slice(0, MAX_QUERY_TERMS), liveArticles };
}

/** The tsquery stage one searches with: an OR of the terms, common ones left out of large knowledge bases. */
export function searchQuery(terms: QueryTerm[], liveArticles: number): string {
  const common = (t: QueryTerm) => liveArticles >= COMMON_TERM_MIN_ARTICLES && t.ndoc > COMMON_TERM_SHARE * liveArticles;
  return terms
    .filter((t, i) => i < MIN_QUERY_TERMS || !common(t))
    .map((t) => operand(t.lexeme))
    .join(' | ');
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
 * The top 75 live articles for a ticket, best first: full-text search alone, or fused with vector
 * search by reciprocal rank when `dense` is given. Ties are broken by external id, then id, so
 * the same query on the same revision gives the same list on every replica.
 */
export async function retrieveCandidates(
  db: Sql,
  tenantId: string,
  query: TicketQuery,
  options: { limit?: number; dense?: DenseHits } = {},
): Promise<RetrievalSet> {
  const { limit = LIMITS.candidates, dense } = options;
  const { terms, liveArticles } = await queryTerms(db, tenantId, query);
  const operands = terms.map((t) => operand(t.lexeme));
  const tsquery = searchQuery(terms, liveArticles);
  const text = terms.length > 0 ? await candidateRows(db, tenantId, { search: tsquery, limit }, tsquery, operands) : { rows: [], revision: null };
  if (!dense) {
    return { terms, candidates: text.rows.map((c) => ({ ...c, dense: null })), revision: text.revision ?? (await revisionOf(db, tenantId)), liveArticles };
  }

  const textRank = new Map(text.rows.map((c, i) => [c.id, i + 1]));
  const denseHits = dense.hits.slice(0, limit);
  const denseRank = new Map(denseHits.map((h, i) => [h.id, i + 1]));
  const missing = denseHits.map((h) => h.id).filter((id) => !textRank.has(id));
  const extra = missing.length > 0 ? await candidateRows(db, tenantId, { ids: missing }, tsquery, operands) : { rows: [], revision: null };
  const fused = [...text.rows, ...extra.rows].map((c) => ({
    ...c,
    score: (textRank.has(c.id) ? 1 / (RRF_K + textRank.get(c.id)!) : 0) + (denseRank.has(c.id) ? 1 / (RRF_K + denseRank.get(c.id)!) : 0),
    dense: dense.similarity(c.id),
  }));
  fused.sort((a, b) => b.score - a.score || a.externalId.localeCompare(b.externalId) || a.id.localeCompare(b.id));
  return { terms, candidates: fused.slice(0, limit), revision: text.revision ?? extra.revision ?? (await revisionOf(db, tenantId)), liveArticles };
}

async function revisionOf(db: Sql, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ revision: number }>('SELECT revision FROM knowledge_bases WHERE tenant_id = $1', [tenantId]);
  return rows[0]?.revision ?? 0;
}

/**
 * Candidates with the reranker's per-article features, either the best `limit` of a full-text
 * search or the given articles (vector hits the full-text search did not find).
 */
async function candidateRows(
  db: Sql,
  tenantId: string,
  from: { search: string; limit: number } | { ids: string[] },
  tsquery: string,
  operands: string[],
): Promise<{ rows: Omit<Candidate, 'dense'>[]; revision: number | null }> {
  const hits =
    'search' in from
      ? `SELECT a.id, a.external_id, a.version, a.title, a.url, a.search_vector, ts_rank(a.search_vector, $2::tsquery) AS rank
           FROM knowledge_articles a
          WHERE a.tenant_id = $1 AND a.retired_at IS NULL AND a.search_vector @@ $2::tsquery
          ORDER BY rank DESC, a.external_id, a.id
          LIMIT $5`
      : `SELECT a.id, a.external_id, a.version, a.title, a.url, a.search_vector, ts_rank(a.search_vector, $2::tsquery) AS rank
           FROM knowledge_articles a
          WHERE a.tenant_id = $1 AND a.retired_at IS NULL AND a.id = ANY($5::uuid[])`;
  const { rows } = await db.query<Omit<Candidate, 'dense'> & { revision: number }>(
    `WITH hits AS (${hits})
     SELECT h.id::text AS id, h.external_id AS "externalId", h.version, h.title, h.url,
            h.rank::float8 AS score, h.rank::float8 AS "textRank",
            ts_rank_cd(h.search_vector, $2::tsquery, 32)::float8 AS cover,
            length(h.search_vector) AS lexemes,
            length(to_tsvector('english', h.title)) AS "titleLexemes",
            ARRAY(SELECT i - 1 FROM generate_subscripts($3::tsquery[], 1) i WHERE h.search_vector @@ ($3::tsquery[])[i]) AS matched,
            ARRAY(SELECT i - 1 FROM generate_subscripts($4::tsquery[], 1) i WHERE h.search_vector @@ ($4::tsquery[])[i]) AS "titleMatched",
            (SELECT revision FROM knowledge_bases WHERE tenant_id = $1) AS revision
       FROM hits h
      ORDER BY h.rank DESC, h.external_id, h.id`,
    [tenantId, tsquery, operands, operands.map((o) => `${o}:A`), 'search' in from ? from.limit : from.ids],
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
