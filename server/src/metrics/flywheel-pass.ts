import type { ArmKey } from '../../../lib/contract';
import type { Sql } from '../db/database';

/**
 * The rows behind the online flywheel metrics (flywheel.ts), read in one statement: each
 * impression of the window once, each of its annotations once.
 *
 * This replaced four statements that each re-read the window: two decompressed every impression's
 * body for its arms (now `arm_keys`, migration 0011), and two looked an impression's annotations
 * up once per type (three lookups per impression; now one). GROUPING SETS count, in the same pass,
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

const WEEK = `to_char(date_trunc('week', i.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"00:00:00.000"Z"')`;

// Per impression of the window (a LATERAL on `w`, so always one index lookup per impression,
// whatever statistics the planner has or lacks: PGlite has no autovacuum, see db/planner-statistics.ts),
// its annotations of every type in one read of annotations_impression_type_idx. The sort keeps each
// adoption's earliest (created_at, seq) first (the first send, the reply the customer got) and
// every other type's latest: the latest preference, each article's latest label (article_id is
// null but for relevance). Only typed columns name the type (outcome: adoption, verdict and
// strength: preference, label: relevance), so a missing-knowledge report counts nowhere; filtering
// on type in the lookup would let a planner without statistics pick the (tenant_id, type) index and
// scan every annotation of the tenant per impression.
const STATEMENT = `
WITH w AS MATERIALIZED (
  SELECT i.id, ${WEEK} AS week, i.retriever_version, i.reranker_version, i.arm_keys
    FROM impressions i WHERE i.tenant_id = $1 AND i.created_at >= $2 AND i.created_at < $3),
p AS (
  SELECT w.week, w.retriever_version, w.reranker_version, w.arm_keys, d.*
    FROM w CROSS JOIN LATERAL (
      SELECT max(x.outcome) AS outcome, max(x.slot) AS slot, max(x.verdict) AS verdict, max(x.strength) AS strength,
             max(x."left") AS "left", coalesce(bool_or(x.elapsed < $4), false) AS fast,
             count(*) FILTER (WHERE x.type = 'relevance' AND x.label IN ('relevant', 'partial'))::int AS good,
             count(*) FILTER (WHERE x.type = 'relevance')::int AS labelled
        FROM (SELECT DISTINCT ON (a.type, a.article_id) a.type, a.outcome, a.verdict, a.strength, a.label,
                     CASE a.type WHEN 'adoption' THEN a.body #>> '{payload,slot}' END AS slot,
                     CASE a.type WHEN 'preference' THEN a.body #>> '{payload,shownOrder,0}' END AS "left",
                     CASE a.type WHEN 'preference' THEN (a.body->>'elapsedMs')::bigint END AS elapsed
                FROM annotations a
               WHERE a.tenant_id = $1 AND a.impression_id = w.id
               ORDER BY a.type, a.article_id,
                        CASE a.type WHEN 'adoption' THEN a.created_at END, CASE a.type WHEN 'adoption' THEN a.seq END,
                        a.created_at DESC, a.seq DESC) x) d)
SELECT GROUPING(p.arm_keys, p.retriever_version, p.outcome) AS set, p.week, p.retriever_version AS retriever, p.reranker_version AS reranker,
       p.arm_keys AS arms, p.outcome, p.slot AS "sentSlot", p.verdict, p.strength, p."left", p.fast,
       count(*)::int AS n, sum(p.good)::int AS good, sum(p.labelled)::int AS labelled
  FROM p
 GROUP BY GROUPING SETS ((p.week), (p.week, p.arm_keys), (p.week, p.retriever_version, p.reranker_version),
                         (p.week, p.arm_keys, p.outcome, p.slot, p.verdict, p.strength, p."left", p.fast))`;

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
