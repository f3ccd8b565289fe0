import type { ArmHelpfulness, Helpfulness } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { judgeAgreement, type JudgedPair } from './judge-agreement';
import { meanWithInterval } from './score-interval';

/** The judge whose scores count: the configured one (scores of another model or rubric are not comparable). */
export interface HelpfulnessJudge {
  model: string;
  rubricVersion: string;
}

/**
 * Helpfulness for `GET /v1/metrics` and the `aitl judge` summary: the configured judge's rubric
 * scores of replies shown in the window, per arm and model version, with the judge's agreement
 * with the agents' own preferences on the same impressions. No judge: says so, with no number.
 */
export async function helpfulness(db: Sql, tenantId: string, judge: HelpfulnessJudge | null | undefined, window: { from: Date; to: Date }): Promise<Helpfulness> {
  if (!judge) return { status: 'no judge configured' };
  const params = [tenantId, judge.model, judge.rubricVersion, window.from.toISOString(), window.to.toISOString()];
  const scored = `s.tenant_id = $1 AND s.judge_model = $2 AND s.rubric_version = $3 AND i.created_at >= $4 AND i.created_at < $5`;
  const [scores, failures, preferences, lastRun] = await Promise.all([
    db.query<{ impressionId: string; slot: 'A' | 'B'; armId: string; model: string; promptVersion: string; score: number }>(
      `SELECT s.impression_id AS "impressionId", s.slot, s.arm_id AS "armId", s.model, s.prompt_version AS "promptVersion", s.score::int AS score
         FROM judge_scores s JOIN impressions i ON i.tenant_id = s.tenant_id AND i.id = s.impression_id
        WHERE ${scored} AND s.score IS NOT NULL`,
      params,
    ),
    db.query<{ n: number }>(
      `SELECT count(DISTINCT (s.impression_id, s.slot))::int AS n
         FROM judge_scores s JOIN impressions i ON i.tenant_id = s.tenant_id AND i.id = s.impression_id
        WHERE ${scored} AND s.score IS NULL
          AND NOT EXISTS (SELECT 1 FROM judge_scores t WHERE t.tenant_id = s.tenant_id AND t.impression_id = s.impression_id AND t.slot = s.slot
                            AND t.judge_model = s.judge_model AND t.rubric_version = s.rubric_version AND t.score IS NOT NULL)`,
      params,
    ),
    // The agent's latest verdict counts, as in the win rates: impression_decisions keeps it (migration 0012).
    db.query<{ impressionId: string; verdict: string }>(
      `SELECT d.impression_id AS "impressionId", d.verdict FROM impression_decisions d WHERE d.tenant_id = $1 AND d.verdict IS NOT NULL`,
      params.slice(0, 1),
    ),
    db.query<{ at: string | null }>(
      `SELECT to_char(max(finished_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS at
         FROM judge_runs WHERE tenant_id = $1 AND judge_model = $2 AND rubric_version = $3 AND status = 'done'`,
      params.slice(0, 3),
    ),
  ]);

  const byArm = new Map<string, { key: Pick<ArmHelpfulness, 'armId' | 'model' | 'promptVersion'>; scores: number[] }>();
  const byImpression = new Map<string, { A?: number; B?: number }>();
  for (const r of scores.rows) {
    const k = JSON.stringify([r.armId, r.model, r.promptVersion]);
    let arm = byArm.get(k);
    if (!arm) byArm.set(k, (arm = { key: { armId: r.armId, model: r.model, promptVersion: r.promptVersion }, scores: [] }));
    arm.scores.push(r.score);
    const imp = byImpression.get(r.impressionId) ?? {};
    imp[r.slot] = r.score;
    byImpression.set(r.impressionId, imp);
  }
  const pairs: JudgedPair[] = [];
  for (const p of preferences.rows) {
    const s = byImpression.get(p.impressionId);
    if ((p.verdict === 'A' || p.verdict === 'B') && s?.A !== undefined && s.B !== undefined) pairs.push({ agent: p.verdict, scoreA: s.A, scoreB: s.B });
  }
  const arms = [...byArm.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, a]): ArmHelpfulness => {
      const counts: ArmHelpfulness['scores'] = [0, 0, 0, 0, 0];
      for (const s of a.scores) counts[s - 1]!++;
      return { ...a.key, n: a.scores.length, ...meanWithInterval(a.scores), scores: counts };
    });
  return {
    status: 'scored',
    judge: { model: judge.model, rubricVersion: judge.rubricVersion },
    arms,
    failures: failures.rows[0]?.n ?? 0,
    agreement: judgeAgreement(pairs),
    lastRunAt: lastRun.rows[0]?.at ?? null,
  };
}
