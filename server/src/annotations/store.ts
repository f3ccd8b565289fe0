import {
  Annotation,
  describeIssues,
  issuePaths,
  type SyncResult,
} from '../../../lib/contract';
import type { Auth } from '../auth/tokens';
import type { Database } from '../db/database';
import { shareGapNumbering } from '../gaps/numbering';
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

  // Missing-knowledge reports are stored under the tenant's gap lock, shared, so that no reader
  // numbers gaps while their seqs are being drawn (gaps/numbering.ts); syncs do not wait for each other.
  const rows = [...accepted.values()];
  const reports = rows.some((r) => r.annotation.type === 'missing_knowledge');
  const storedIds = await writeRowsFrom(db, auth, clientId, rows, reports, requestJson);

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
 * Returns the lower-cased ids of the rows this request stored.
 */
async function writeRowsFrom(db: Database, auth: Auth, clientId: string, rows: Accepted[], reports: boolean, requestJson?: string): Promise<Set<string>> {
  if (requestJson !== undefined && db.kind === 'postgres' && rows.length > 0) {
    try {
      return await writeRows(db, auth, clientId, { json: requestJson, positions: rows.map((r) => r.index + 1) }, reports);
    } catch (error) {
      if (!refusedText(error)) throw error;
    }
  }
  return writeRows(db, auth, clientId, rows.length > 0 ? encoded(rows) : null, reports);
}

/** One transaction that claims the clientId and stores the rows; it resolves only after the commit. */
async function writeRows(db: Database, auth: Auth, clientId: string, rows: InsertInput | null, reports: boolean): Promise<Set<string>> {
  // Every statement is issued at once and the COMMIT follows them in one pipeline: no round trip
  // between them.
  const stored = await db.transaction(
    async (tx) => {
      // The first agent to sync from an install owns its clientId; another agent using it is refused
      // (the statements behind it are rolled back with it).
      const owner = tx.query(
        `INSERT INTO clients (tenant_id, id, agent) VALUES ($1, $2, $3)
         ON CONFLICT (tenant_id, id) DO UPDATE SET last_seen_at = now() WHERE clients.agent = EXCLUDED.agent
         RETURNING agent`,
        [auth.tenantId, clientId, auth.name],
      );
      // Its failure is the transaction's: the statement behind it fails too, and so does the commit.
      if (reports) shareGapNumbering(tx, auth.tenantId).catch(() => {});
      let inserted: Promise<{ id: string }[]> = Promise.resolve([]);
      if (rows) {
        const { text, values } = insertStatement(auth, rows);
        inserted = tx.query<{ id: string }>(text, values).then((r) => r.rows);
      }
      // Not awaited here, or the COMMIT would wait for it instead of following it on the wire; the
      // transaction resolves only once it succeeded and committed.
      inserted.catch(() => {}); // seen by the caller, or moot when the ownership check below throws
      if ((await owner).rows.length === 0) throw new ClientOwnershipError(`clientId ${clientId} belongs to another agent`);
      return { inserted };
    },
    { pipelined: true },
  );
  return new Set((await stored.inserted).map((r) => r.id));
}
