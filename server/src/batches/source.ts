import type { Annotation, AnnotationType, Impression, TicketContext } from '../../../lib/contract';
import type { Database } from '../db/database';

/** One annotation with the impression it points at (null when the impression is unknown). */
export interface SourceRow {
  seq: number;
  annotation: Annotation;
  impression: Impression | null;
  context: TicketContext | null;
}

export const PAGE_SIZE = 500;

/** How many annotations each phase of a build reads (up to the watermark): the phases' progress totals. */
export interface PhaseTotals {
  adoptions: number;
  /** Adoptions and preferences. */
  replies: number;
  relevance: number;
  /** Missing-knowledge reports with seq above `gapsFrom`. */
  gaps: number;
}

/**
 * Every phase's total in one pass over the annotations: each count is a scan of the table (the
 * seq range is not indexed by type), and a large build asked for five.
 */
export async function countPhases(db: Database, tenantId: string, toSeq: number, gapsFrom: number): Promise<PhaseTotals> {
  const { rows } = await db.query<PhaseTotals>(
    `SELECT count(*) FILTER (WHERE type = 'adoption')::int AS adoptions,
            count(*) FILTER (WHERE type IN ('adoption', 'preference'))::int AS replies,
            count(*) FILTER (WHERE type = 'relevance')::int AS relevance,
            count(*) FILTER (WHERE type = 'missing_knowledge' AND seq > $3)::int AS gaps
       FROM annotations WHERE tenant_id = $1 AND seq > 0 AND seq <= $2`,
    [tenantId, toSeq, gapsFrom],
  );
  return rows[0]!;
}

/**
 * Annotations of the given types with seq in (fromSeq, toSeq], in arrival order, a page at a time.
 * Keyset pagination on `seq` works the same on Postgres and PGlite; at most PAGES_AHEAD + 1 pages are in memory.
 */
export async function* streamAnnotations(
  db: Database,
  tenantId: string,
  opts: { types: AnnotationType[]; fromSeq: number; toSeq: number; withContext: boolean; withImpression?: boolean },
): AsyncGenerator<SourceRow[]> {
  const columns = impressionOnce('ORDER BY a.seq', opts.withImpression !== false, opts.withContext);
  const page = (after: number) =>
    db.query<PageRow>(
      `SELECT a.seq::text AS seq, a.body AS annotation, ${columns}
         FROM annotations a
         LEFT JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
        WHERE a.tenant_id = $1 AND a.type = ANY($2::text[]) AND a.seq > $3 AND a.seq <= $4
        ORDER BY a.seq
        LIMIT ${PAGE_SIZE}`,
      [tenantId, opts.types, after, opts.toSeq],
    );
  for await (const rows of readAhead(() => page(opts.fromSeq), (rows) => (rows.length === PAGE_SIZE ? () => page(Number(rows.at(-1)!.seq)) : null))) {
    if (rows.length > 0) yield sourceRows(rows);
  }
}

/** Relevance labels grouped by impression (for triplets), impression by impression, in bounded pages. */
export async function* streamRelevanceByImpression(db: Database, tenantId: string, toSeq: number): AsyncGenerator<SourceRow[]> {
  const columns = impressionOnce('ORDER BY a.impression_id, a.seq', true, true);
  const page = (afterImpression: string, afterSeq: number) =>
    db.query<PageRow & { impression_id: string }>(
      `SELECT a.seq::text AS seq, a.impression_id::text AS impression_id, a.body AS annotation, ${columns}
         FROM annotations a
         LEFT JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
        WHERE a.tenant_id = $1 AND a.type = 'relevance' AND a.seq <= $2 AND (a.impression_id, a.seq) > ($3::uuid, $4::bigint)
        ORDER BY a.impression_id, a.seq
        LIMIT ${PAGE_SIZE}`,
      [tenantId, toSeq, afterImpression, afterSeq],
    );
  let group: SourceRow[] = [];
  const pages = readAhead(
    () => page('00000000-0000-0000-0000-000000000000', 0),
    (rows) => (rows.length === PAGE_SIZE ? () => page(rows.at(-1)!.impression_id, Number(rows.at(-1)!.seq)) : null),
  );
  for await (const rows of pages) {
    const sourced = sourceRows(rows);
    for (const [k, r] of sourced.entries()) {
      if (group.length > 0 && group[0]!.annotation.impressionId.toLowerCase() !== rows[k]!.impression_id) {
        yield group;
        group = [];
      }
      group.push(r);
    }
  }
  if (group.length > 0) yield group;
}

/** Pages fetched ahead of the caller while it works: at most this many waiting beside the one it holds. */
const PAGES_AHEAD = 1;

/**
 * Keyset pages, each query sent as soon as the page before it has arrived (not when the caller
 * asks for it), up to PAGES_AHEAD waiting. A page the caller never reaches (it stopped early) must
 * not become an unhandled rejection.
 */
async function* readAhead<R>(first: () => Promise<{ rows: R[] }>, after: (rows: R[]) => (() => Promise<{ rows: R[] }>) | null): AsyncGenerator<R[]> {
  const waiting: Promise<R[]>[] = [];
  let fetchNext: (() => Promise<{ rows: R[] }>) | null = first;
  const pump = () => {
    if (!fetchNext || waiting.length >= PAGES_AHEAD) return;
    const fetch = fetchNext;
    fetchNext = null;
    const rows = fetch().then((r) => r.rows);
    waiting.push(rows);
    rows.then(
      (r) => {
        fetchNext = after(r);
        pump();
      },
      () => {},
    );
  };
  pump();
  while (waiting.length > 0) {
    const rows = await waiting.shift()!;
    pump();
    yield rows;
  }
}

interface PageRow {
  seq: string;
  same: boolean;
  annotation: Annotation;
  impression: Impression | null;
  context: TicketContext | null;
}

/**
 * The impression's columns of a page, sent once per run of rows that point at the same impression
 * (in the page's `order`): an impression has several annotations, usually in a row, and its body
 * and context were otherwise sent and parsed again for each. The rows after the first of a run
 * come with `same` and nulls, and share the first one's parsed objects (sourceRows).
 */
function impressionOnce(order: string, withImpression: boolean, withContext: boolean): string {
  const same = `coalesce(a.impression_id IS NOT DISTINCT FROM lag(a.impression_id) OVER (${order}), false)`;
  const once = (column: string) => `CASE WHEN ${same} THEN NULL ELSE ${column} END`;
  return `${same} AS same, ${withImpression ? once('i.body') : 'NULL::jsonb'} AS impression, ${withContext ? once('i.context') : 'NULL::jsonb'} AS context`;
}

function sourceRows(rows: readonly PageRow[]): SourceRow[] {
  const out: SourceRow[] = [];
  for (const r of rows) {
    const before = r.same ? out.at(-1) : undefined;
    out.push({ seq: Number(r.seq), annotation: r.annotation, impression: before ? before.impression : r.impression, context: before ? before.context : r.context });
  }
  return out;
}

/** Specific annotations by seq (knowledge-gap evidence). */
export async function annotationsBySeq(db: Database, tenantId: string, seqs: number[]): Promise<Map<number, SourceRow>> {
  const { rows } = await db.query<{ seq: string; annotation: Annotation; impression: Impression | null; context: TicketContext | null }>(
    `SELECT a.seq::text AS seq, a.body AS annotation, i.body AS impression, i.context AS context
       FROM annotations a
       LEFT JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
      WHERE a.tenant_id = $1 AND a.seq = ANY($2::bigint[])`,
    [tenantId, seqs],
  );
  return new Map(rows.map((r) => [Number(r.seq), { seq: Number(r.seq), annotation: r.annotation, impression: r.impression, context: r.context }]));
}
