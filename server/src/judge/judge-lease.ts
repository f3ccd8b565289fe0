import type { Sql } from '../db/database';
import type { JudgeConfig } from './judge-config';

/** Another judge pass of this tenant is running (on this replica or another). */
export class JudgeBusyError extends Error {
  override name = 'JudgeBusyError';
}

/** How long a pass may go without renewing before another replica may take over (renewed after every reply). */
export const JUDGE_LEASE_SECONDS = 300;

/**
 * Starts a judge pass: the next number, status running. The partial unique index allows one
 * running pass per tenant across replicas; a running pass whose lease ran out (its replica was
 * killed) is marked failed first, so the tenant is never stuck. With `notWithinMs` (the schedule),
 * nothing starts when a pass of this tenant started that recently; null is returned.
 */
export async function startJudgeRun(
  db: Sql,
  tenantId: string,
  requestedBy: string,
  judge: Pick<JudgeConfig, 'model' | 'baseUrl' | 'rubricVersion'>,
  sample: number,
  notWithinMs?: number,
): Promise<number | null> {
  await db.query(
    `UPDATE judge_runs SET status = 'failed', error = 'the replica running this pass stopped before it finished', finished_at = now()
      WHERE tenant_id = $1 AND status = 'running' AND lease_until < now()`,
    [tenantId],
  );
  try {
    const { rows } = await db.query<{ number: number }>(
      `INSERT INTO judge_runs (tenant_id, number, status, requested_by, judge_model, judge_url, rubric_version, sample, lease_until)
       SELECT $1, (SELECT coalesce(max(number), 0) + 1 FROM judge_runs WHERE tenant_id = $1), 'running', $2, $3, $4, $5, $6, now() + make_interval(secs => $7)
        WHERE $8::double precision IS NULL
           OR NOT EXISTS (SELECT 1 FROM judge_runs WHERE tenant_id = $1 AND started_at > now() - make_interval(secs => $8::double precision))
       RETURNING number`,
      [tenantId, requestedBy, judge.model, judge.baseUrl, judge.rubricVersion, sample, JUDGE_LEASE_SECONDS, notWithinMs === undefined ? null : notWithinMs / 1000],
    );
    return rows[0]?.number ?? null;
  } catch (error) {
    if (/judge_runs_one_running|judge_runs_pkey|duplicate key/.test((error as Error).message)) {
      const { rows } = await db.query<{ number: number; by: string }>(`SELECT number, requested_by AS by FROM judge_runs WHERE tenant_id = $1 AND status = 'running'`, [tenantId]);
      throw new JudgeBusyError(`judge pass ${rows[0]?.number ?? '?'} of tenant ${tenantId} is running (started by ${rows[0]?.by ?? '?'}); wait for it to finish and try again`);
    }
    throw error;
  }
}

export async function renewJudgeRun(db: Sql, tenantId: string, number: number): Promise<void> {
  await db.query(`UPDATE judge_runs SET lease_until = now() + make_interval(secs => $3) WHERE tenant_id = $1 AND number = $2 AND status = 'running'`, [
    tenantId,
    number,
    JUDGE_LEASE_SECONDS,
  ]);
}

export async function finishJudgeRun(db: Sql, tenantId: string, number: number, outcome: { summary: unknown } | { error: string }): Promise<void> {
  await db.query(`UPDATE judge_runs SET status = $3, summary = $4::jsonb, error = $5, finished_at = now() WHERE tenant_id = $1 AND number = $2`, [
    tenantId,
    number,
    'error' in outcome ? 'failed' : 'done',
    JSON.stringify('summary' in outcome ? outcome.summary : null),
    'error' in outcome ? outcome.error : null,
  ]);
}
