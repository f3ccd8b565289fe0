import type { Sql } from '../db/database';

/** Another turn of this tenant is running (HTTP 409). */
export class TurnBusyError extends Error {
  override name = 'TurnBusyError';
}

/** How long a turn may run before another replica may take over (renewed while it runs). */
export const TURN_LEASE_SECONDS = 600;

/**
 * Starts a turn: the next number, status running. The partial unique index allows one running
 * turn per tenant across replicas; a running turn whose lease ran out (its replica was killed) is
 * marked failed first, so the tenant is never stuck.
 */
export async function startTurnRow(db: Sql, tenantId: string, requestedBy: string, options: unknown): Promise<number> {
  await db.query(
    `UPDATE model_turns SET status = 'failed', error = 'the replica running this turn stopped before it finished', finished_at = now()
      WHERE tenant_id = $1 AND status = 'running' AND lease_until < now()`,
    [tenantId],
  );
  try {
    const { rows } = await db.query<{ number: number }>(
      `INSERT INTO model_turns (tenant_id, number, status, requested_by, options, lease_until)
       VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM model_turns WHERE tenant_id = $1), 'running', $2, $3::jsonb, now() + make_interval(secs => $4))
       RETURNING number`,
      [tenantId, requestedBy, JSON.stringify(options ?? {}), TURN_LEASE_SECONDS],
    );
    return rows[0]!.number;
  } catch (error) {
    if (/model_turns_one_running|duplicate key/.test((error as Error).message)) {
      const { rows } = await db.query<{ number: number }>(`SELECT number FROM model_turns WHERE tenant_id = $1 AND status = 'running'`, [tenantId]);
      throw new TurnBusyError(`turn ${rows[0]?.number ?? '?'} of tenant ${tenantId} is running; wait for it (GET /v1/models/turns/${rows[0]?.number ?? 'N'}) and try again`);
    }
    throw error;
  }
}

export async function renewTurn(db: Sql, tenantId: string, number: number): Promise<void> {
  await db.query(`UPDATE model_turns SET lease_until = now() + make_interval(secs => $3) WHERE tenant_id = $1 AND number = $2 AND status = 'running'`, [
    tenantId,
    number,
    TURN_LEASE_SECONDS,
  ]);
}

export async function finishTurn(db: Sql, tenantId: string, number: number, outcome: { result: unknown } | { error: string }): Promise<void> {
  await db.query(
    `UPDATE model_turns SET status = $3, result = $4::jsonb, error = $5, finished_at = now() WHERE tenant_id = $1 AND number = $2`,
    [tenantId, number, 'error' in outcome ? 'failed' : 'done', JSON.stringify('result' in outcome ? outcome.result : null), 'error' in outcome ? outcome.error : null],
  );
}

export interface TurnRow {
  number: number;
  status: 'running' | 'done' | 'failed';
  requestedBy: string;
  result: unknown;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function getTurn(db: Sql, tenantId: string, number: number): Promise<TurnRow | null> {
  const { rows } = await db.query<TurnRow>(
    `SELECT number, status, requested_by AS "requestedBy", result, error,
            to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "startedAt",
            to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "finishedAt"
       FROM model_turns WHERE tenant_id = $1 AND number = $2`,
    [tenantId, number],
  );
  return rows[0] ?? null;
}

export async function listTurns(db: Sql, tenantId: string): Promise<TurnRow[]> {
  const { rows } = await db.query<TurnRow>(
    `SELECT number, status, requested_by AS "requestedBy", result, error,
            to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "startedAt",
            to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "finishedAt"
       FROM model_turns WHERE tenant_id = $1 ORDER BY number`,
    [tenantId],
  );
  return rows;
}
