import type { ArmKey, MetricsResponse, PeriodMetrics, Rate } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { adapterHealthMetrics } from './adapter-health';
import { bradleyTerry, STRENGTH_WEIGHT } from './bradley-terry';
import { helpfulness, type HelpfulnessJudge } from './helpfulness';
import { modelHistory } from './model-history';

/**
 * The online flywheel metrics of DESIGN.md ("Metrics"), by ISO week of the impression (when the
 * agent saw the suggestion) and by arm. Annotations are immutable events, so where an agent
 * judged the same thing twice the latest judgement counts; for adoption the first send counts
 * (that is the reply the customer got).
 */
export interface MetricsOptions {
  from: Date;
  to: Date;
  tooFastMs: number;
  /** The configured judge model, for helpfulness; none: "no judge configured". */
  judge?: HelpfulnessJudge | null;
}

const rate = (numerator: number, denominator: number): Rate => ({
  rate: denominator > 0 ? numerator / denominator : null,
  numerator,
  denominator,
});

// The impressions of the window, each with its ISO week (Monday 00:00 UTC). Every query starts here
// and reaches annotations through their (tenant_id, impression_id) index, so its cost follows the
// window's impressions, not the tenant's whole history, whatever statistics the planner has (PGlite
// has no autovacuum; see db/statistics.ts). A statement materializes only the columns it reads:
// `body->'arms'` detoasts each impression's whole body, which at 25k impressions was most of the
// cost of the statements that never look at the arms.
const WEEK = `to_char(date_trunc('week', i.created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"00:00:00.000"Z"')`;
const IN_WINDOW = `i.tenant_id = $1 AND i.created_at >= $2 AND i.created_at < $3`;
const WINDOW = (columns: string) => `window_impressions AS MATERIALIZED (
  SELECT i.id, ${WEEK} AS week, ${columns} FROM impressions i WHERE ${IN_WINDOW})`;
// Per impression of the window (a LATERAL on `w`): the first send (the reply the customer got), the
// latest preference, each agent's latest label per article. Each is an index lookup per impression;
// no statement joins two derived tables, which without statistics would be planned as a nested loop
// over both.
const FIRST_SEND = `LEFT JOIN LATERAL (
    SELECT a.outcome, a.body #>> '{payload,slot}' AS slot FROM annotations a
     WHERE a.tenant_id = $1 AND a.impression_id = w.id AND a.type = 'adoption'
     ORDER BY a.created_at, a.seq LIMIT 1) s ON true`;
const LATEST_PREFERENCE = `LEFT JOIN LATERAL (
    SELECT a.verdict, a.strength, a.body #>> '{payload,shownOrder,0}' AS "left", (a.body->>'elapsedMs')::bigint AS elapsed FROM annotations a
     WHERE a.tenant_id = $1 AND a.impression_id = w.id AND a.type = 'preference'
     ORDER BY a.created_at DESC, a.seq DESC LIMIT 1) p ON true`;
const LATEST_LABELS = `CROSS JOIN LATERAL (
    SELECT DISTINCT ON (a.article_id) a.label FROM annotations a
     WHERE a.tenant_id = $1 AND a.impression_id = w.id AND a.type = 'relevance'
     ORDER BY a.article_id, a.created_at DESC, a.seq DESC) l`;
const ARM = (slot: string) => `(SELECT jsonb_build_object('armId', x->>'armId', 'model', x->>'model', 'promptVersion', x->>'promptVersion')
                 FROM jsonb_array_elements(w.arms) x WHERE x->>'slot' = ${slot})`;

const armKey = (a: ArmKey) => JSON.stringify([a.armId, a.model, a.promptVersion]);

export async function flywheelMetrics(db: Sql, tenantId: string, opts: MetricsOptions): Promise<MetricsResponse> {
  const params = [tenantId, opts.from.toISOString(), opts.to.toISOString()];

  // One statement per figure; the window's impressions are re-read per statement from their index.
  // Counts of the window alone need no LATERAL, so no materialized window either.
  const impressionsQuery = db.query<{ week: string; n: number }>(`SELECT ${WEEK} AS week, count(*)::int AS n FROM impressions i WHERE ${IN_WINDOW} GROUP BY 1`, params);
  const armsShownQuery = db.query<{ week: string; armId: string; model: string; promptVersion: string; n: number }>(
    `SELECT ${WEEK} AS week, arm->>'armId' AS "armId", arm->>'model' AS model, arm->>'promptVersion' AS "promptVersion", count(*)::int AS n
       FROM impressions i CROSS JOIN LATERAL jsonb_array_elements(i.body->'arms') AS arm WHERE ${IN_WINDOW} GROUP BY 1, 2, 3, 4`,
    params,
  );
  const relevanceQuery = db.query<{ week: string; retriever: string; reranker: string; good: number; labelled: number }>(
    `WITH ${WINDOW('i.retriever_version, i.reranker_version')}
     SELECT w.week, w.retriever_version AS retriever, w.reranker_version AS reranker,
            count(*) FILTER (WHERE l.label IN ('relevant', 'partial'))::int AS good, count(*)::int AS labelled
       FROM window_impressions w ${LATEST_LABELS}
      GROUP BY 1, 2, 3`,
    params,
  );
  // The first send and the latest preference of each impression, in one pass: adoption, preference
  // and their consistency are all read from these groups.
  const decisionsQuery = db.query<Decision>(
    `WITH ${WINDOW("i.body->'arms' AS arms")}
     SELECT w.week, s.outcome, s.slot AS "sentSlot",
            sent_arm.arm->>'armId' AS "armId", sent_arm.arm->>'model' AS model, sent_arm.arm->>'promptVersion' AS "promptVersion",
            p.verdict, p.strength, p."left", coalesce(p.elapsed < $4, false) AS fast,
            CASE WHEN p.verdict IS NOT NULL THEN ${ARM("'A'")} END AS a, CASE WHEN p.verdict IS NOT NULL THEN ${ARM("'B'")} END AS b,
            count(*)::int AS n
       FROM window_impressions w ${FIRST_SEND} ${LATEST_PREFERENCE}
       LEFT JOIN LATERAL (SELECT x AS arm FROM jsonb_array_elements(w.arms) x WHERE x->>'slot' = s.slot) sent_arm ON true
      WHERE s.outcome IS NOT NULL OR p.verdict IS NOT NULL
      GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12`,
    [...params, opts.tooFastMs],
  );

  const [impressions, armsShown, relevance, decisions] = await Promise.all([impressionsQuery, armsShownQuery, relevanceQuery, decisionsQuery]);
  const adoptions = decisions.rows.filter((r): r is Decision & { outcome: string } => r.outcome !== null);
  const preferences = decisions.rows.filter((r): r is Decision & { verdict: string; left: string } => r.verdict !== null);
  const consistency = new Map<string, { both: number; matching: number }>();
  for (const r of preferences) {
    if ((r.verdict !== 'A' && r.verdict !== 'B') || r.sentSlot === null) continue;
    const c = consistency.get(r.week) ?? { both: 0, matching: 0 };
    c.both += r.n;
    if (r.verdict === r.sentSlot) c.matching += r.n;
    consistency.set(r.week, c);
  }

  const weeks = new Map<string, PeriodMetrics & { _arms: Map<string, ArmAccumulator> }>();
  const weekOf = (week: string) => {
    let w = weeks.get(week);
    if (!w) {
      w = {
        week,
        impressions: 0,
        adoptionStrict: rate(0, 0),
        adoptionLenient: rate(0, 0),
        precisionAt8: rate(0, 0),
        precisionAt8ByReranker: [],
        precisionAt8ByVersion: [],
        bothBad: rate(0, 0),
        arms: [],
        quality: { leftWins: rate(0, 0), tooFast: rate(0, 0), preferenceMatchesAdoption: rate(0, 0) },
        _arms: new Map(),
      };
      weeks.set(week, w);
    }
    return w;
  };
  const armOf = (w: ReturnType<typeof weekOf>, key: ArmKey) => {
    const k = armKey(key);
    let a = w._arms.get(k);
    if (!a) w._arms.set(k, (a = { key: { armId: key.armId, model: key.model, promptVersion: key.promptVersion }, shown: 0, asIs: 0, light: 0, weightedWins: 0, weightedGames: 0, comparisons: 0 }));
    return a;
  };

  for (const r of impressions.rows) weekOf(r.week).impressions = r.n;
  for (const r of armsShown.rows) armOf(weekOf(r.week), r).shown += r.n;

  const counts = new Map<string, { asIs: number; light: number }>();
  for (const r of adoptions) {
    const c = counts.get(r.week) ?? { asIs: 0, light: 0 };
    if (r.outcome === 'as_is') c.asIs += r.n;
    if (r.outcome === 'light_edit') c.light += r.n;
    counts.set(r.week, c);
    if (r.armId !== null) {
      const arm = armOf(weekOf(r.week), { armId: r.armId, model: r.model!, promptVersion: r.promptVersion! });
      if (r.outcome === 'as_is') arm.asIs += r.n;
      if (r.outcome === 'light_edit') arm.light += r.n;
    }
  }
  for (const [week, c] of counts) {
    const w = weekOf(week);
    w.adoptionStrict = rate(c.asIs, w.impressions);
    w.adoptionLenient = rate(c.asIs + c.light, w.impressions);
  }

  for (const r of relevance.rows) {
    const w = weekOf(r.week);
    w.precisionAt8 = rate(w.precisionAt8.numerator + r.good, w.precisionAt8.denominator + r.labelled);
    const byReranker = w.precisionAt8ByReranker.find((x) => x.reranker === r.reranker);
    if (byReranker) byReranker.precisionAt8 = rate(byReranker.precisionAt8.numerator + r.good, byReranker.precisionAt8.denominator + r.labelled);
    else w.precisionAt8ByReranker.push({ reranker: r.reranker, precisionAt8: rate(r.good, r.labelled) });
    w.precisionAt8ByVersion.push({ retriever: r.retriever, reranker: r.reranker, precisionAt8: rate(r.good, r.labelled) });
  }

  const wins = new Map<string, Map<string, Map<string, number>>>(); // week -> winner -> loser -> weight
  const addWin = (week: string, winner: string, loser: string, weight: number) => {
    const byWeek = wins.get(week) ?? new Map<string, Map<string, number>>();
    const row = byWeek.get(winner) ?? new Map<string, number>();
    row.set(loser, (row.get(loser) ?? 0) + weight);
    byWeek.set(winner, row);
    wins.set(week, byWeek);
  };
  const quality = new Map<string, { left: number; decided: number; fast: number; prefs: number; bothBad: number }>();
  for (const r of preferences) {
    const q = quality.get(r.week) ?? { left: 0, decided: 0, fast: 0, prefs: 0, bothBad: 0 };
    q.prefs += r.n;
    if (r.fast) q.fast += r.n;
    if (r.verdict === 'both_bad') q.bothBad += r.n;
    if (r.verdict === 'A' || r.verdict === 'B') {
      q.decided += r.n;
      if (r.verdict === r.left) q.left += r.n;
    }
    quality.set(r.week, q);
    if (!r.a || !r.b || r.verdict === 'both_bad') continue;
    const w = weekOf(r.week);
    const a = armOf(w, r.a);
    const b = armOf(w, r.b);
    a.comparisons += r.n;
    b.comparisons += r.n;
    const ka = armKey(r.a);
    const kb = armKey(r.b);
    if (r.verdict === 'tie') {
      a.weightedWins += 0.5 * r.n;
      b.weightedWins += 0.5 * r.n;
      a.weightedGames += r.n;
      b.weightedGames += r.n;
      addWin(r.week, ka, kb, 0.5 * r.n);
      addWin(r.week, kb, ka, 0.5 * r.n);
    } else {
      const weight = (STRENGTH_WEIGHT[r.strength ?? 'slight'] ?? 1) * r.n;
      const [winner, loser, kw, kl] = r.verdict === 'A' ? [a, b, ka, kb] : [b, a, kb, ka];
      winner.weightedWins += weight;
      winner.weightedGames += weight;
      loser.weightedGames += weight;
      addWin(r.week, kw, kl, weight);
    }
  }
  for (const [week, q] of quality) {
    const w = weekOf(week);
    w.bothBad = rate(q.bothBad, q.prefs);
    w.quality.leftWins = rate(q.left, q.decided);
    w.quality.tooFast = rate(q.fast, q.prefs);
  }
  for (const [week, c] of consistency) weekOf(week).quality.preferenceMatchesAdoption = rate(c.matching, c.both);

  const result: PeriodMetrics[] = [];
  for (const [week, w] of [...weeks].sort(([a], [b]) => a.localeCompare(b))) {
    const compared = [...w._arms].filter(([, a]) => a.comparisons > 0).map(([k]) => k);
    const strengths = compared.length > 1 ? bradleyTerry(compared, wins.get(week) ?? new Map()) : new Map<string, number>();
    const { _arms, ...period } = w;
    period.precisionAt8ByReranker.sort((a, b) => a.reranker.localeCompare(b.reranker));
    period.precisionAt8ByVersion.sort((a, b) => a.retriever.localeCompare(b.retriever) || a.reranker.localeCompare(b.reranker));
    period.arms = [..._arms]
      .map(([k, a]) => ({
        ...a.key,
        shown: a.shown,
        adoptionStrict: rate(a.asIs, a.shown),
        adoptionLenient: rate(a.asIs + a.light, a.shown),
        comparisons: a.comparisons,
        winRate: a.weightedGames > 0 ? a.weightedWins / a.weightedGames : null,
        bradleyTerry: strengths.get(k) ?? null,
      }))
      .sort((x, y) => armKey(x).localeCompare(armKey(y)));
    result.push(period);
  }
  return { from: opts.from.toISOString(), to: opts.to.toISOString(), tooFastMs: opts.tooFastMs, weeks: result, models: await modelHistory(db, tenantId), adapterHealth: await adapterHealthMetrics(db, tenantId, opts), helpfulness: await helpfulness(db, tenantId, opts.judge, opts) };
}

interface Decision {
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

interface ArmAccumulator {
  key: ArmKey;
  shown: number;
  asIs: number;
  light: number;
  weightedWins: number;
  weightedGames: number;
  comparisons: number;
}
