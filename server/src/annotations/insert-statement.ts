import type { Annotation } from '../../../lib/contract';
import type { Auth } from '../auth/tokens';

/** A validated annotation ready to store, with its content hash. */
export interface AcceptedRow {
  index: number;
  annotation: Annotation;
  hash: string;
  /** The annotation as JSON, stored as its body. */
  json: string;
}

/** The columns queries filter and group on, next to the full validated JSON. */
function typedColumns(a: Annotation) {
  return {
    verdict: a.type === 'preference' ? a.payload.verdict : null,
    strength: a.type === 'preference' ? (a.payload.strength ?? null) : null,
    outcome: a.type === 'adoption' ? a.payload.outcome : null,
    similarity: a.type === 'adoption' ? a.payload.similarity : null,
    article_id: a.type === 'relevance' ? a.payload.articleId : null,
    article_version: a.type === 'relevance' ? a.payload.articleVersion : null,
    label: a.type === 'relevance' ? a.payload.label : null,
  };
}

/** Values per annotation row in the INSERT, after the three the request shares (tenant, agent, token). */
const ROW_VALUES = 17;

/** `($1, $2, $3, $k, ...)` for every row count, built once per count: most requests are full (500) or small. */
const tupleCache = new Map<number, string>();
function tuples(count: number): string {
  let text = tupleCache.get(count);
  if (text === undefined) {
    const parts: string[] = [];
    for (let r = 0; r < count; r++) {
      const at = 3 + r * ROW_VALUES;
      parts.push(`($1, $2, $3, ${Array.from({ length: ROW_VALUES }, (_, k) => `$${at + k + 1}`).join(', ')})`);
    }
    text = parts.join(', ');
    if (tupleCache.size < 600) tupleCache.set(count, text);
  }
  return text;
}

const INSERT = `INSERT INTO annotations (tenant_id, agent, token_id, id, type, schema_version, client_id, platform, ticket_id,
                          impression_id, created_at, content_hash, body, verdict, strength, outcome, similarity,
                          article_id, article_version, label)`;

/**
 * One multi-row INSERT with a parameter per value, the shape Postgres ingests fastest: each value
 * arrives typed by its column, where one JSON parameter (jsonb_to_recordset) made the database
 * parse every annotation twice.
 *
 * With `skipExisting`, `ON CONFLICT DO NOTHING` skips the ids already stored and the statement
 * returns the ids it stored. Without it, the statement is the plain INSERT, which costs Postgres
 * less (no speculative insertion, no rows sent back): it stores every row or fails on the first
 * existing id (`unique_violation` on the primary key), waiting, like ON CONFLICT, for a
 * transaction that is writing the same id to end. Its rows are all stored when it succeeds.
 *
 * With `numberGaps`, the rows are missing-knowledge reports and the same statement gives each one it
 * stored the tenant's next gap number in `seq` order, continuing from the highest number (the
 * caller holds the tenant's gap lock). When the tenant has no number yet (a new tenant, or reports
 * stored before gaps were numbered) it numbers nothing and says so (`numbered: false`), and the
 * caller numbers the tenant's reports in full.
 */
export function insertStatement(auth: Auth, rows: AcceptedRow[], options: { skipExisting: boolean; numberGaps?: boolean }) {
  const values: unknown[] = [auth.tenantId, auth.name, auth.tokenId];
  for (const { annotation: a, hash, json } of rows) {
    const t = typedColumns(a);
    values.push(
      a.id, a.type, a.schemaVersion, a.clientId, a.ticket.platform, a.ticket.ticketId, a.impressionId, a.createdAt, hash, json,
      t.verdict, t.strength, t.outcome, t.similarity, t.article_id, t.article_version, t.label,
    );
  }
  const insert = `${INSERT} VALUES ${tuples(rows.length)}${options.skipExisting ? ' ON CONFLICT (tenant_id, id) DO NOTHING' : ''}`;
  if (!options.numberGaps) return { text: options.skipExisting ? `${insert} RETURNING id::text AS id` : insert, values };
  return {
    text: `WITH stored AS (${insert} RETURNING id, seq),
               last AS (SELECT max(number) AS number FROM knowledge_gaps WHERE tenant_id = $1),
               numbered AS (
                 INSERT INTO knowledge_gaps (tenant_id, number, annotation_id)
                 SELECT $1, last.number + row_number() OVER (ORDER BY stored.seq), stored.id
                   FROM stored, last WHERE last.number IS NOT NULL
                 RETURNING 1)
           SELECT stored.id::text AS id, (SELECT number FROM last) IS NOT NULL AS numbered,
                  (SELECT count(*) FROM numbered)::int AS gaps
             FROM stored`,
    values,
  };
}
