import type { Platform } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { STRENGTH_WEIGHT } from '../metrics/bradley-terry';
import { inEvalSlice } from './eval-slice';

/** One pairwise judgement between two arms: `winner` null for a tie. */
export interface ArmComparison {
  a: string;
  b: string;
  winner: string | null;
  /** Wins it counts for (strength-weighted, as on the dashboard); a tie is half of one each way. */
  weight: number;
}

export interface ArmPreferences {
  comparisons: ArmComparison[];
  /** Preferences left out because their ticket is in the frozen eval slice. */
  evalSliceHeldOut: number;
}

/**
 * Agents' pairwise preferences between the given arms, up to the watermark (annotations.seq). The
 * latest judgement of an impression counts, as on the dashboard; "both bad" says nothing about
 * which arm is better and is left out; so is every ticket in the eval slice.
 */
export async function armPreferences(db: Sql, tenantId: string, watermark: number, armIds: readonly string[]): Promise<ArmPreferences> {
  const { rows } = await db.query<{ verdict: string; strength: string | null; platform: Platform; ticketId: string; a: string | null; b: string | null }>(
    `WITH latest AS (
       SELECT DISTINCT ON (a.impression_id) a.impression_id, a.verdict, a.strength
         FROM annotations a
        WHERE a.tenant_id = $1 AND a.type = 'preference' AND a.seq <= $2
        ORDER BY a.impression_id, a.created_at DESC, a.seq DESC)
     SELECT l.verdict, l.strength, i.platform, i.ticket_id AS "ticketId",
            (SELECT x->>'armId' FROM jsonb_array_elements(i.body->'arms') x WHERE x->>'slot' = 'A') AS a,
            (SELECT x->>'armId' FROM jsonb_array_elements(i.body->'arms') x WHERE x->>'slot' = 'B') AS b
       FROM latest l JOIN impressions i ON i.tenant_id = $1 AND i.id = l.impression_id
      WHERE l.verdict IN ('A', 'B', 'tie')
      ORDER BY i.id`,
    [tenantId, watermark],
  );
  const known = new Set(armIds);
  const comparisons: ArmComparison[] = [];
  let evalSliceHeldOut = 0;
  for (const r of rows) {
    if (!r.a || !r.b || r.a === r.b || !known.has(r.a) || !known.has(r.b)) continue;
    if (inEvalSlice({ platform: r.platform, ticketId: r.ticketId })) {
      evalSliceHeldOut++;
      continue;
    }
    if (r.verdict === 'tie') comparisons.push({ a: r.a, b: r.b, winner: null, weight: 1 });
    else comparisons.push({ a: r.a, b: r.b, winner: r.verdict === 'A' ? r.a : r.b, weight: STRENGTH_WEIGHT[r.strength ?? 'slight'] ?? 1 });
  }
  return { comparisons, evalSliceHeldOut };
}
