import type { Sql } from '../db/database';

/**
 * Gap numbers are per tenant and follow annotation `seq`. `seq` is drawn when a row is inserted,
 * so whoever numbers must hold this lock from before its inserts until its commit: a sync that
 * stores a missing-knowledge report takes it first, and a second replica's report waits, gets a
 * later `seq` and the next number. Syncs without such reports never take it.
 */
export async function lockGapNumbering(tx: Sql, tenantId: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtext('aitl.gaps'), hashtext($1))`, [tenantId]);
}

/**
 * Gives every missing-knowledge report of the tenant that has no number yet the next numbers, in
 * `seq` order. Idempotent (a numbered report keeps its number). A sync numbers the reports it stores
 * in the statement that stores them, continuing from the tenant's highest number (all reports are
 * stored under the lock and numbered before their commit, so none older is left without one); it
 * calls this only for a tenant with no number yet. Readers call it too, for reports stored before
 * gaps were numbered. Returns how many it numbered.
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
