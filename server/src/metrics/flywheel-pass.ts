import type { ArmKey } from '../../../lib/contract';
import type { Sql } from '../db/database';

/**
 * The rows behind the online flywheel metrics (flywheel.ts), read in one statement: each
 * impression of the window once, with its one row of decisions (impression_decisions).
 *
 * This replaced four statements that each re-read the window: two decompressed every impression's
 * body for its arms (now `arm_keys`, migration 0011), and two looked an impression's annotations
 * up once per type (three lookups per impression; then one, now a join to the decisions that
migration 0012 keeps per impression as annotations arrive). GROUPING SETS count, in the same pass,
 * impressions per week; per week and set of arms shown; labels per week and retriever + reranker;
 * and per week the decision groups (first send and latest preference), whose arms are resolved
 * from `arm_keys` here, once per group rather than per row.
 */
export interface FlywheelRows {
  impressions: { week: string; n: number }[];
  armsShown: (ArmKey & { week: string; n: number })[];
  relevance: { week: string; retriever: string; reranker: string; good: number; labelled: number }[];
  decisions: Decision[];
}

/** One group of impressions of a week with the same first send and latest preference. */
export interface Decision {
  week: string;
  outcome: string | null;
  sentSlot: string | null;
  armId: string | null;
  model: string | null;
  promptVersion: string | null;
  verdict: string | null;
  strength: string | null;
  left: string | null;
  fast: boolean;
  a: ArmKey | null;
  b: ArmKey | null;
  n: number;
}

type ArmSlot = { slot: string | null; armId: string | null; model: string | null; promptVersion: string | null };

// Each impression of the window with its decisions (migration 0012: its first adoption, latest
// preference and latest labels, kept by a trigger on annotations): one primary-key look-up per
// impression, where it used to be a look-up, sort and dedup of the impression's annotations. The
// LATERAL (OFFSET 0 keeps the planner from flattening it) holds that plan whatever statistics the
// planner has or lacks (PGlite has no autovacuum, see db/planner-statistics.ts): as a plain join,
// a planner without them scanned the tenant's decisions once per impression. The decision groups
// are counted per week (a timestamp, hashed cheaply) first, then the grouping sets count those
// groups and the week is written out as text once per result row.
const STATEMENT = `
WITH g AS (
  SELECT date_trunc('week', i.created_at AT TIME ZONE 'UTC') AS week, i.retriever_version, i.reranker_version, i.arm_keys,
         d.outcome, d.slot, d.verdict, d.strength, d."left", coalesce(d.elapsed < $4, false) AS fast,
         count(*)::int AS n, sum(coalesce(d.good, 0))::int AS good, sum(coalesce(d.labelled, 0))::int AS labelled
    FROM impressions i LEFT JOIN LATERAL (
           SELECT * FROM impression_decisions x WHERE x.tenant_id = $1 AND x.impression_id = i.id OFFSET 0) d ON true
   WHERE i.tenant_id = $1 AND i.created_at >= $2 AND i.created_at < $3
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
SELECT GROUPING(g.arm_keys, g.retriever_version, g.outcome) AS set, to_char(g.week, 'YYYY-MM-DD"T"00:00:00.000"Z"') AS week,
       g.retriever_version AS retriever, g.reranker_version AS reranker,
       g.arm_keys AS arms, g.outcome, g.slot AS "sentSlot", g.verdict, g.strength, g."left", g.fast,
       sum(g.n)::int AS n, sum(g.good)::int AS good, sum(g.labelled)::int AS labelled
  FROM g
 GROUP BY GROUPING SETS ((g.week), (g.week, g.arm_keys), (g.week, g.retriever_version, g.reranker_version),
                         (g.week, g.arm_keys, g.outcome, g.slot, g.verdict, g.strength, g."left", g.fast))`;

// GROUPING(arm_keys, retriever_version, outcome): a bit is set where the column is not grouped.
const SET = { impressions: 0b111, armsShown: 0b011, relevance: 0b101, decisions: 0b010 } as const;

interface Row {
  set: number;
  week: string;
  retriever: string | null;
  reranker: string | null;
  /** The impression's `arm_keys`: JSON text of its arms' keys. */
  arms: string | null;
  outcome: string | null;
  sentSlot: string | null;
  verdict: string | null;
  strength: string | null;
  left: string | null;
  fast: boolean;
  n: number;
  good: number;
  labelled: number;
}

const parseArms = (text: string | null): ArmSlot[] => (text === null ? [] : (JSON.parse(text) as ArmSlot[]));
const keyOf = (arm: ArmSlot | undefined): ArmKey | null => (arm ? { armId: arm.armId!, model: arm.model!, promptVersion: arm.promptVersion! } : null);

export async function flywheelRows(db: Sql, tenantId: string, window: { from: Date; to: Date; tooFastMs: number }): Promise<FlywheelRows> {
  const { rows } = await db.query<Row>(STATEMENT, [tenantId, window.from.toISOString(), window.to.toISOString(), window.tooFastMs]);
  const out: FlywheelRows = { impressions: [], armsShown: [], relevance: [], decisions: [] };
  for (const r of rows) {
    const set = Number(r.set);
    if (set === SET.impressions) out.impressions.push({ week: r.week, n: r.n });
    else if (set === SET.armsShown) for (const arm of parseArms(r.arms)) out.armsShown.push({ week: r.week, ...keyOf(arm)!, n: r.n });
    // Impressions no one labelled count in no precision, not even as 0 / 0.
    else if (set === SET.relevance) {
      if (r.labelled > 0) out.relevance.push({ week: r.week, retriever: r.retriever!, reranker: r.reranker!, good: r.good, labelled: r.labelled });
    } else if (set === SET.decisions) {
      if (r.outcome === null && r.verdict === null) continue;
      const arms = parseArms(r.arms);
      const sent = r.sentSlot === null ? undefined : arms.find((x) => x.slot === r.sentSlot);
      const decided = r.verdict !== null;
      out.decisions.push({
        week: r.week,
        outcome: r.outcome,
        sentSlot: r.sentSlot,
        armId: sent?.armId ?? null,
        model: sent?.model ?? null,
        promptVersion: sent?.promptVersion ?? null,
        verdict: r.verdict,
        strength: r.strength,
        left: r.left,
        fast: r.fast,
        a: decided ? keyOf(arms.find((x) => x.slot === 'A')) : null,
        b: decided ? keyOf(arms.find((x) => x.slot === 'B')) : null,
        n: r.n,
      });
    } else throw new Error(`flywheel metrics: unexpected grouping set ${set}`);
  }
  return out;
}
