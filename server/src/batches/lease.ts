import type { Database } from '../db/database';

/** Another build of this tenant holds the lease (HTTP 409). */
export class BatchBuildBusyError extends Error {
  override name = 'BatchBuildBusyError';
}

export interface BuildLease {
  tenantId: string;
  number: number;
  holder: string;
  /** Extends the lease; false when it was lost (expired and taken over): the build must stop. */
  renew(): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Takes the tenant's build lease and reserves the next batch number, in one transaction. Works
 * across replicas on one Postgres: a second `INSERT ... ON CONFLICT` waits for the first and then
 * finds a live lease. A lease left by a killed replica expires after `seconds`; whoever takes it
 * over deletes the half-built batch, which was never visible (only complete batches are listed).
 */
export async function acquireBuildLease(db: Database, tenantId: string, holder: string, seconds: number): Promise<BuildLease> {
  const number = await db.transaction(async (tx) => {
    const taken = await tx.query<{ holder: string }>(
      `INSERT INTO batch_build_leases (tenant_id, number, holder, expires_at)
       VALUES ($1, 0, $2, now() + make_interval(secs => $3))
       ON CONFLICT (tenant_id) DO UPDATE SET number = 0, holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
         WHERE batch_build_leases.expires_at < now()
       RETURNING holder`,
      [tenantId, holder, seconds],
    );
    if (taken.rows.length === 0) {
      const { rows } = await tx.query<{ number: number; expires: string }>(
        `SELECT number, to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS expires FROM batch_build_leases WHERE tenant_id = $1`,
        [tenantId],
      );
      throw new BatchBuildBusyError(
        `batch ${rows[0]?.number ?? '?'} of tenant ${tenantId} is being built; wait for it to finish (its lease runs until ${rows[0]?.expires ?? '?'} unless renewed) and try again`,
      );
    }
    await tx.query(`DELETE FROM batches WHERE tenant_id = $1 AND status = 'building'`, [tenantId]);
    const { rows } = await tx.query<{ next: number }>('SELECT (coalesce(max(number), 0) + 1)::int AS next FROM batches WHERE tenant_id = $1', [tenantId]);
    const next = rows[0]!.next;
    await tx.query(`INSERT INTO batches (tenant_id, number, status, spec) VALUES ($1, $2, 'building', '{}')`, [tenantId, next]);
    await tx.query('UPDATE batch_build_leases SET number = $2 WHERE tenant_id = $1', [tenantId, next]);
    return next;
  });
  return {
    tenantId,
    number,
    holder,
    async renew() {
      const { rows } = await db.query(
        'UPDATE batch_build_leases SET expires_at = now() + make_interval(secs => $3) WHERE tenant_id = $1 AND holder = $2 RETURNING 1',
        [tenantId, holder, seconds],
      );
      return rows.length > 0;
    },
    async release() {
      await db.query('DELETE FROM batch_build_leases WHERE tenant_id = $1 AND holder = $2', [tenantId, holder]);
    },
  };
}
