import type { Sql } from '../db/database';

/**
 * Gap numbers are per tenant and follow annotation `seq`, with no holes. A reader of the queue
 * numbers the reports that have no number yet (`numberGaps`) holding the tenant's gap lock alone; a
 * sync that stores reports holds it shared, from before its rows draw their seqs until its commit.
 * So a reader numbers only when no report is on its way in, and every report stored later draws a
 * higher seq than those it numbered: the numbers follow seq. Syncs share the lock, so they never
 * wait for each other, only for a reader's numbering (and a reader for the syncs in flight).
 */
const LOCK_KEY = `hashtext('aitl.gaps'), hashtext($1)`;

/** A sync's hold on the tenant's gap lock, shared with other syncs, until its transaction ends. */
export async function shareGapNumbering(tx: Sql, tenantId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock_shared(${LOCK_KEY})`, [tenantId]);
}

/** The tenant's gap lock, held alone until the transaction ends: no report is stored meanwhile. */
async function lockGapNumbering(tx: Sql, tenantId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(${LOCK_KEY})`, [tenantId]);
}

/**
 * Gives every missing-knowledge report of the tenant that has no number yet the next numbers, in
 * `seq` order. Idempotent (a numbered report keeps its number). Whatever shows or uses gap numbers
 * calls it first (the queue, resolving a gap, an import's `closes_gaps`), so a report has its number
 * before anyone can see one. Returns how many it numbered.
 */
export async function numberGaps(tx: Sql, tenantId: string): Promise<number> {
  await lockGapNumbering(tx, tenantId);
  const { rows } = await tx.query<{ numbered: number }>(
    `WITH pending AS (
       SELECT a.id, a.seq FROM annotations a
        WHERE a.tenant_id = $1 AND a.type = 'missing_knowledge'
          AND NOT EXISTS (SELECT 1 FROM knowledge_gaps g WHERE g.tenant_id = a.tenant_id AND g.annotation_id = a.id)
     ), inserted AS (
       INSERT INTO knowledge_gaps (tenant_id, number, annotation_id)
       SELECT $1, coalesce((SELECT max(number) FROM knowledge_gaps WHERE tenant_id = $1), 0) + row_number() OVER (ORDER BY p.seq), p.id
         FROM pending p
       ON CONFLICT DO NOTHING
       RETURNING 1
     )
     SELECT count(*)::int AS numbered FROM inserted`,
    [tenantId],
  );
  return rows[0]?.numbered ?? 0;
}
