import {
  Annotation,
  describeIssues,
  issuePaths,
  type SyncResult,
} from '../../../lib/contract';
import type { Auth } from '../auth/tokens';
import type { Database } from '../db/database';
import { lockGapNumbering, numberGaps } from '../gaps/numbering';
import { insertStatement, type InsertInput } from './insert-statement';
import { plainAnnotation } from './plain-annotation';
import { sameContent } from './same-content';

export class ClientOwnershipError extends Error {}

/** A valid annotation to store, and where it stood in the request. */
interface Accepted {
  index: number;
  annotation: Annotation;
}

/**
 * Validates each annotation on its own and stores the valid ones in one transaction.
 * Results come back in request order and only after the commit:
 * - `stored`: new row written;
 * - `duplicate`: a row with this id and the same content exists (a retry; nothing written);
 * - `conflict`: a row with this id but different content exists (nothing written);
 * - `rejected`: invalid, with the failing field paths.
 * Concurrent requests with overlapping ids are safe: an INSERT of an id that another transaction is
 * writing waits for it to end, and then `ON CONFLICT DO NOTHING` skips the id if that one committed
 * it, so each id is written exactly once, and a retried sync is no error in the database's log.
 * `requestJson` is the request's body as it came, `{"annotations": [...]}` with `items` parsed
 * from it: Postgres then reads the annotations from it, and none is encoded again here.
 */
export async function storeAnnotations(
  db: Database,
  auth: Auth,
  clientId: string,
  items: unknown[],
  requestJson?: string,
): Promise<SyncResult[]> {
  const results: SyncResult[] = new Array(items.length);
  // Valid annotations by lower-cased id; a repeated id within the request is judged against the first.
  const accepted = new Map<string, Accepted>();
  const repeats: { index: number; key: string; annotation: Annotation }[] = [];

  items.forEach((item, index) => {
    const rawId = (item as { id?: unknown } | null)?.id;
    const id = typeof rawId === 'string' && rawId.length <= 64 ? rawId : null;
    // Most items are valid and of the shapes the quick check knows; zod judges (and explains) the rest.
    const quick = plainAnnotation(item);
    const parsed = quick ? ({ success: true, data: quick } as const) : Annotation.safeParse(item);
    if (!parsed.success) {
      results[index] = { index, id, status: 'rejected', error: { message: describeIssues(parsed.error), paths: issuePaths(parsed.error) } };
      return;
    }
    const annotation = parsed.data;
    if (annotation.clientId.toLowerCase() !== clientId.toLowerCase()) {
      results[index] = {
        index,
        id: annotation.id,
        status: 'rejected',
        error: { message: 'clientId: must equal the clientId of the request', paths: ['clientId'] },
      };
      return;
    }
    const key = annotation.id.toLowerCase();
    if (accepted.has(key)) repeats.push({ index, key, annotation });
    else accepted.set(key, { index, annotation });
  });

  const rows = [...accepted.values()];
  // Missing-knowledge reports are numbered as gaps in seq order, so their seqs are drawn under the
  // tenant's gap lock. They go last, in their own statement that numbers them as it stores them:
  // the lock is held for that one statement and the commit only, not for the whole request's rows.
  // (Two requests sending one id as a report and as another type can deadlock here; Postgres
  // aborts one, a 5xx, and its client retries.)
  const reports = rows.filter((r) => r.annotation.type === 'missing_knowledge');
  const others = rows.filter((r) => r.annotation.type !== 'missing_knowledge');
  const { storedIds, reportRows } = await writeRowsFrom(db, auth, clientId, others, reports, requestJson);
  // The tenant's first reports (or reports from before gaps were numbered) were stored without a
  // number: number them all, in seq order, as a reader of the queue would.
  if (reportRows.length > 0 && !reportRows[0]!.numbered) await db.transaction((tx) => numberGaps(tx, auth.tenantId));

  const existing = [...accepted.keys()].filter((key) => !storedIds.has(key));
  const existingBodies = new Map<string, unknown>();
  if (existing.length > 0) {
    // Committed by whoever stored them (ON CONFLICT DO NOTHING waited for that), and never changed.
    const { rows: found } = await db.query<{ id: string; body: unknown }>(
      'SELECT id::text AS id, body FROM annotations WHERE tenant_id = $1 AND id = ANY($2::uuid[])',
      [auth.tenantId, existing],
    );
    for (const row of found) existingBodies.set(row.id, row.body);
  }
  for (const [key, { index, annotation }] of accepted) {
    const status = storedIds.has(key) ? 'stored' : sameContent(existingBodies.get(key), annotation) ? 'duplicate' : 'conflict';
    results[index] = {
      index,
      id: annotation.id,
      status,
      ...(status === 'conflict' && {
        error: { message: 'an annotation with this id and different content is already stored', paths: ['id'] },
      }),
    };
  }

  for (const { index, key, annotation } of repeats) {
    const id = annotation.id;
    results[index] = sameContent(accepted.get(key)!.annotation, annotation)
      ? { index, id, status: 'duplicate' }
      : { index, id, status: 'conflict', error: { message: 'the same id appears earlier in this request with different content', paths: ['id'] } };
  }
  return results;
}

/** The rows' own JSON, for a statement that does not read them from the request. */
const encoded = (rows: Accepted[]): InsertInput => ({
  json: `{"annotations":[${rows.map((r) => JSON.stringify(r.annotation)).join(',')}]}`,
  positions: rows.map((_, k) => k + 1),
});

/**
 * Postgres refused the text itself: SQLSTATE class 22, data exception (JSON, a number, a cast), or
 * 54, a program limit (JSON nested too deep for its stack).
 */
const refusedText = (error: unknown) => /^(22|54)/.test(String((error as { code?: unknown } | null)?.code ?? ''));

/**
 * Stores the rows, read from the request's own JSON when there is one and the database is
 * Postgres. JSON that JavaScript parses may still be refused by Postgres (an escaped NUL or a lone
 * surrogate in a rejected item, `1.0` for an integer, a number past float8's range, nesting past
 * its stack): then the whole transaction has rolled back, and it runs again on the rows as this
 * process encodes them, so one odd value loses nothing. PGlite always gets the encoded rows: its
 * parser, compiled to WebAssembly, does not fail cleanly on deep nesting (it answered nothing at
 * 100,000 levels and hung at a million), and the request's text may hold any item a client sent.
 */
async function writeRowsFrom(db: Database, auth: Auth, clientId: string, others: Accepted[], reports: Accepted[], requestJson?: string) {
  // Reports are few and short: encoded, they spare Postgres a second parse of the whole request.
  const reportInput = reports.length > 0 ? encoded(reports) : null;
  if (requestJson !== undefined && db.kind === 'postgres' && others.length > 0) {
    try {
      return await writeRows(db, auth, clientId, { json: requestJson, positions: others.map((r) => r.index + 1) }, reportInput);
    } catch (error) {
      if (!refusedText(error)) throw error;
    }
  }
  return writeRows(db, auth, clientId, others.length > 0 ? encoded(others) : null, reportInput);
}

interface Written {
  /** Lower-cased ids of the rows this request stored. */
  storedIds: Set<string>;
  /** The reports' statement's rows, when the request had reports. */
  reportRows: { id: string; numbered: boolean }[];
}

/** One transaction that claims the clientId and stores the rows; it resolves only after the commit. */
async function writeRows(db: Database, auth: Auth, clientId: string, others: InsertInput | null, reports: InsertInput | null): Promise<Written> {
  // Every statement is issued at once and the COMMIT follows them in one pipeline: no round trip
  // between them, so the gap lock is held only while Postgres runs the reports' statement and the
  // commit, not while this process gets round to sending the next one.
  const written = await db.transaction(
    async (tx) => {
      // The first agent to sync from an install owns its clientId; another agent using it is refused
      // (the statements behind it are rolled back with it).
      const owner = tx.query(
        `INSERT INTO clients (tenant_id, id, agent) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, id) DO UPDATE SET last_seen_at = now() WHERE clients.agent = EXCLUDED.agent
         RETURNING agent`,
        [auth.tenantId, clientId, auth.name],
      );
      const statements: Promise<{ id: string; numbered?: boolean }[]>[] = [];
      if (others) {
        const { text, values } = insertStatement(auth, others);
        statements.push(tx.query<{ id: string }>(text, values).then((r) => r.rows));
      }
      let reportsStored: Promise<{ id: string; numbered: boolean }[]> | null = null;
      if (reports) {
        // Its failure is the transaction's: the statements behind it fail too, and so does the commit.
        lockGapNumbering(tx, auth.tenantId).catch(() => {});
        const { text, values } = insertStatement(auth, reports, { numberGaps: true });
        reportsStored = tx.query<{ id: string; numbered: boolean }>(text, values).then((r) => r.rows);
        statements.push(reportsStored);
      }
      // Not awaited here, or the COMMIT would wait for them instead of following them on the wire;
      // the transaction resolves only once they all succeeded and committed.
      const all = Promise.all(statements);
      all.catch(() => {}); // seen by the caller, or moot when the ownership check below throws
      if ((await owner).rows.length === 0) throw new ClientOwnershipError(`clientId ${clientId} belongs to another agent`);
      return { statements: all, reportsStored };
    },
    { pipelined: true },
  );
  const inserted = (await written.statements).flat();
  return { storedIds: new Set(inserted.map((r) => r.id)), reportRows: written.reportsStored ? await written.reportsStored : [] };
}
