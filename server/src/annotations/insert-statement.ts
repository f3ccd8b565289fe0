import type { Auth } from '../auth/tokens';

/**
 * What one INSERT stores: the annotations at `positions` (1-based) of the `annotations` array in
 * `json`, a JSON object. `json` is the sync request's own body when Postgres can take it as it came
 * (then no annotation is encoded again here), or the rows' JSON built by the caller.
 */
export interface InsertInput {
  json: string;
  positions: number[];
}

/** The annotation columns and how each is read from the annotation's JSON (`b`); the typed ones repeat what queries filter and group on. */
const COLUMNS: [name: string, expression: string][] = [
  ['id', `(b->>'id')::uuid`],
  ['type', `b->>'type'`],
  ['schema_version', `(b->>'schemaVersion')::int`],
  ['client_id', `(b->>'clientId')::uuid`],
  ['platform', `b->'ticket'->>'platform'`],
  ['ticket_id', `b->'ticket'->>'ticketId'`],
  ['impression_id', `(b->>'impressionId')::uuid`],
  ['created_at', `(b->>'createdAt')::timestamptz`],
  ['body', 'b'],
  ['verdict', `CASE WHEN b->>'type' = 'preference' THEN b->'payload'->>'verdict' END`],
  ['strength', `CASE WHEN b->>'type' = 'preference' THEN b->'payload'->>'strength' END`],
  ['outcome', `CASE WHEN b->>'type' = 'adoption' THEN b->'payload'->>'outcome' END`],
  ['similarity', `CASE WHEN b->>'type' = 'adoption' THEN (b->'payload'->>'similarity')::float8 END`],
  ['article_id', `CASE WHEN b->>'type' = 'relevance' THEN (b->'payload'->>'articleId')::uuid END`],
  ['article_version', `CASE WHEN b->>'type' = 'relevance' THEN (b->'payload'->>'articleVersion')::int END`],
  ['label', `CASE WHEN b->>'type' = 'relevance' THEN b->'payload'->>'label' END`],
];

/**
 * The annotations taken from the JSON, each once, in request order but the missing-knowledge
 * reports last (as they were stored when they had a statement of their own, so seqs keep that order).
 */
const INPUT = `SELECT e.b FROM jsonb_array_elements($4::jsonb -> 'annotations') WITH ORDINALITY AS e (b, n)
  WHERE e.n = ANY($5::int[]) ORDER BY e.b->>'type' = 'missing_knowledge', e.n`;

const INSERT = `INSERT INTO annotations (tenant_id, agent, token_id, ${COLUMNS.map(([name]) => name).join(', ')})
  SELECT $1::text, $2::text, $3::uuid, ${COLUMNS.map(([, expression]) => expression).join(', ')} FROM (${INPUT}) AS input
  ON CONFLICT (tenant_id, id) DO NOTHING`;

/**
 * One INSERT of all the rows that skips the ids already stored and returns the ids it stored.
 * Postgres reads each annotation's columns from its JSON, which it parses once for the body: this
 * process sends the request's text as it came and a list of positions, and encodes nothing again.
 * On the same rows, even with `ON CONFLICT` and `RETURNING`, the statement costs Postgres no more
 * CPU than a plain multi-row INSERT (bench/sync-statement-shapes.ts), so there is no plain INSERT
 * tried first, no retry when an id exists, and no unique-violation ERROR in the database's log for
 * every retried sync. An id that another transaction is writing makes it wait for that one to
 * end, then skip the id if that one stored it.
 */
export function insertStatement(auth: Auth, input: InsertInput) {
  return {
    text: `${INSERT} RETURNING id::text AS id`,
    values: [auth.tenantId, auth.name, auth.tokenId, input.json, `{${input.positions.join(',')}}`] as unknown[],
  };
}
