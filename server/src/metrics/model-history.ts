import type { PromotedModel } from '../../../lib/contract';
import type { Sql } from '../db/database';

type Offline = NonNullable<PromotedModel['offline']>['candidate'];
const offline = (side: Record<string, unknown> | null | undefined): Offline | null =>
  side ? { 'recall@75': Number(side['recall@75']), 'precision@8': Number(side['precision@8']), 'hit@8': Number(side['hit@8']), 'mrr@8': Number(side['mrr@8']), tickets: Number(side.tickets) } : null;

/**
 * What served when: every promotion and rollback, with the offline numbers of the turn that
 * promoted the version (candidate and the version it replaced, on the same eval slice), so an
 * operator sees each turn's effect beside the online weeks.
 */
export async function modelHistory(db: Sql, tenantId: string): Promise<PromotedModel[]> {
  const { rows } = await db.query<{ kind: string; version: string; action: 'promote' | 'rollback'; at: string; actor: string; reason: string; turn: number | null; result: { current?: Record<string, unknown>; candidate?: Record<string, unknown> } | null }>(
    `SELECT p.kind, p.version, p.action, to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, p.actor, p.reason, p.turn, t.result
       FROM model_promotions p LEFT JOIN model_turns t ON t.tenant_id = p.tenant_id AND t.number = p.turn
      WHERE p.tenant_id = $1 ORDER BY p.seq`,
    [tenantId],
  );
  return rows.map(({ result, ...r }) => {
    const candidate = offline(result?.candidate);
    const replaced = offline(result?.current);
    return { ...r, offline: r.action === 'promote' && candidate && replaced ? { candidate, replaced } : null };
  });
}
