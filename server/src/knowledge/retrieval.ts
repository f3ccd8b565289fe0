import { LIMITS } from '../../../lib/contract';
import type { Sql } from '../db/database';
import type { TicketQuery } from './ticket-query';

/**
 * Stage one: Postgres full-text search over live articles (English stemming; title weighted
 * above body), the query an OR of the ticket's terms, ranked by ts_rank. Recorded on every
 * impression and evaluation; change it whenever the ranking changes.
 */
export const RETRIEVER_VERSION = 'pg-fts-1';

/** Terms kept in one query; the rarest are kept, since common terms barely separate articles. */
const MAX_QUERY_TERMS = 48;

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
  /** ts_rank of the whole query. */
  score: number;
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
async function queryTerms(db: Sql, tenantId: string, query: TicketQuery): Promise<{ terms: QueryTerm[]; liveArticles: number }> {
  const { rows } = await db.query<{ lexeme: string; in_subject: boolean; ndoc: number; live: number }>(
    `WITH t AS (
       SELECT lexeme, true AS in_subject FROM unnest(to_tsvector('english', $2))
       UNION ALL
       SELECT lexeme, false FROM unnest(to_tsvector('english', $3))
     )
     SELECT t.lexeme, bool_or(t.in_subject) AS in_subject, k.ndoc,
            (SELECT live_articles FROM knowledge_bases WHERE tenant_id = $1) AS live
       FROM t JOIN knowledge_terms k ON k.tenant_id = $1 AND k.lexeme = t.lexeme
      GROUP BY t.lexeme, k.ndoc`,
    [tenantId, query.subject, query.body],
  );
  const liveArticles = rows[0]?.live ?? 0;
  const terms = rows
    .map((r) => ({ lexeme: r.lexeme, ndoc: r.ndoc, inSubject: r.in_subject, idf: idf(r.ndoc, liveArticles) }))
    .sort((a, b) => b.idf - a.idf || a.lexeme.localeCompare(b.lexeme))
    .slice(0, MAX_QUERY_TERMS);
  return { terms, liveArticles };
}

/**
 * The top 75 live articles for a ticket, best first. Ties are broken by external id, then id,
 * so the same query on the same revision gives the same list on every replica.
 */
export async function retrieveCandidates(db: Sql, tenantId: string, query: TicketQuery, limit: number = LIMITS.candidates): Promise<RetrievalSet> {
  const { terms, liveArticles } = await queryTerms(db, tenantId, query);
  if (terms.length === 0) {
    const { rows } = await db.query<{ revision: number }>('SELECT revision FROM knowledge_bases WHERE tenant_id = $1', [tenantId]);
    return { terms, candidates: [], revision: rows[0]?.revision ?? 0, liveArticles };
  }
  const operands = terms.map((t) => operand(t.lexeme));
  const { rows } = await db.query<Candidate & { revision: number }>(
    `WITH hits AS (
       SELECT a.id, a.external_id, a.version, a.title, a.url, a.search_vector,
              ts_rank(a.search_vector, $2::tsquery) AS rank
         FROM knowledge_articles a
        WHERE a.tenant_id = $1 AND a.retired_at IS NULL AND a.search_vector @@ $2::tsquery
        ORDER BY rank DESC, a.external_id, a.id
        LIMIT $5
     )
     SELECT h.id::text AS id, h.external_id AS "externalId", h.version, h.title, h.url,
            h.rank::float8 AS score,
            ts_rank_cd(h.search_vector, $2::tsquery, 32)::float8 AS cover,
            length(h.search_vector) AS lexemes,
            length(to_tsvector('english', h.title)) AS "titleLexemes",
            ARRAY(SELECT i - 1 FROM generate_subscripts($3::tsquery[], 1) i WHERE h.search_vector @@ ($3::tsquery[])[i]) AS matched,
            ARRAY(SELECT i - 1 FROM generate_subscripts($4::tsquery[], 1) i WHERE h.search_vector @@ ($4::tsquery[])[i]) AS "titleMatched",
            (SELECT revision FROM knowledge_bases WHERE tenant_id = $1) AS revision
       FROM hits h
      ORDER BY h.rank DESC, h.external_id, h.id`,
    [tenantId, operands.join(' | '), operands, operands.map((o) => `${o}:A`), limit],
  );
  return {
    terms,
    candidates: rows.map(({ revision: _r, ...c }) => c),
    revision: rows[0]?.revision ?? 0,
    liveArticles,
  };
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
