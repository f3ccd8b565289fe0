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

type ArrayCell = string | number | null;

/** Elements that need no quotes in an array literal: no separator, quote, brace, backslash or space, and not the word NULL. */
const BARE = /^[A-Za-z0-9_.:+-]+$/;

/**
 * A Postgres array literal (`{a,b,NULL}`) of the values, as text. What \`pg\` would build from a
 * JavaScript array, without quoting and escaping every element: the values here (uuids, hashes,
 * timestamps, enum words, numbers) almost never need it.
 */
export function arrayLiteral(values: ArrayCell[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) text += ',';
    if (v === null || v === undefined) text += 'NULL';
    else if (typeof v === 'number') text += String(v);
    else if (BARE.test(v) && !(v.length === 4 && v.toLowerCase() === 'null')) text += v;
    else text += `"${v.replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${text}}`;
}

/** The annotation columns, each bound as one array of its type (the body as one JSON array). */
const COLUMNS = [
  ['id', 'uuid'], ['type', 'text'], ['schema_version', 'int'], ['client_id', 'uuid'], ['platform', 'text'], ['ticket_id', 'text'],
  ['impression_id', 'uuid'], ['created_at', 'timestamptz'], ['content_hash', 'text'], ['body', 'jsonb'], ['verdict', 'text'],
  ['strength', 'text'], ['outcome', 'text'], ['similarity', 'float8'], ['article_id', 'uuid'], ['article_version', 'int'], ['label', 'text'],
] as const;

const BODY = COLUMNS.findIndex(([name]) => name === 'body');

/** One set of rows from the column arrays, zipped by position; the bodies' JSON array is split, parsed once. */
const ROWS = `ROWS FROM (${COLUMNS.map(([name, type], k) => (name === 'body' ? `jsonb_array_elements($${k + 4}::jsonb)` : `unnest($${k + 4}::${type}[])`)).join(', ')})
  AS r (${COLUMNS.map(([name]) => name).join(', ')})`;

const INSERT = `INSERT INTO annotations (tenant_id, agent, token_id, ${COLUMNS.map(([name]) => name).join(', ')})
  SELECT $1::text, $2::text, $3::uuid, r.* FROM ${ROWS}
  ON CONFLICT (tenant_id, id) DO NOTHING`;

/**
 * One INSERT of all the rows that skips the ids already stored and returns the ids it stored.
 * Each column arrives as one array parameter (`unnest`) and the bodies as one JSON array: a short
 * statement for Postgres to parse and plan, where a multi-row VALUES has a parameter per value
 * (8,500 for 500 annotations). On the same rows, even with `ON CONFLICT` and `RETURNING`, it costs
 * Postgres less CPU than the plain multi-row INSERT (bench/sync-statement-shapes.ts), so there is
 * no plain INSERT tried first, no retry when an id exists, and no unique-violation ERROR in the
 * database's log for every retried sync. An id that another transaction is writing makes it wait
 * for that one to end, then skip the id if that one stored it.
 *
 * With `numberGaps`, the rows are missing-knowledge reports and the same statement gives each one it
 * stored the tenant's next gap number in `seq` order, continuing from the highest number (the
 * caller holds the tenant's gap lock). When the tenant has no number yet (a new tenant, or reports
 * stored before gaps were numbered) it numbers nothing and says so (`numbered: false`), and the
 * caller numbers the tenant's reports in full.
 */
export function insertStatement(auth: Auth, rows: AcceptedRow[], options: { numberGaps?: boolean } = {}) {
  const columns: ArrayCell[][] = COLUMNS.map(() => new Array(rows.length));
  const bodies: string[] = new Array(rows.length);
  rows.forEach(({ annotation: a, hash, json }, r) => {
    const t = typedColumns(a);
    const row = [
      a.id, a.type, a.schemaVersion, a.clientId, a.ticket.platform, a.ticket.ticketId, a.impressionId, a.createdAt, hash, null,
      t.verdict, t.strength, t.outcome, t.similarity, t.article_id, t.article_version, t.label,
    ];
    for (let k = 0; k < row.length; k++) columns[k]![r] = row[k]!;
    bodies[r] = json;
  });
  const values: unknown[] = [auth.tenantId, auth.name, auth.tokenId, ...columns.map(arrayLiteral)];
  values[3 + BODY] = `[${bodies.join(',')}]`;
  if (!options.numberGaps) return { text: `${INSERT} RETURNING id::text AS id`, values };
  return {
    text: `WITH stored AS (${INSERT} RETURNING id, seq),
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
