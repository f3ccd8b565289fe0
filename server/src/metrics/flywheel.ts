import type { ArmKey, MetricsResponse, PeriodMetrics, Rate } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { adapterHealthMetrics } from './adapter-health';
import { bradleyTerry, STRENGTH_WEIGHT } from './bradley-terry';
import { flywheelRows, type Decision } from './flywheel-pass';
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

const armKey = (a: ArmKey) => JSON.stringify([a.armId, a.model, a.promptVersion]);

export async function flywheelMetrics(db: Sql, tenantId: string, opts: MetricsOptions): Promise<MetricsResponse> {
  // PGlite runs these one after another; a Postgres pool, side by side.
  const [{ impressions, armsShown, relevance, decisions }, models, adapterHealth, helpfulnessMetrics] = await Promise.all([
    flywheelRows(db, tenantId, opts),
    modelHistory(db, tenantId),
    adapterHealthMetrics(db, tenantId, opts),
    helpfulness(db, tenantId, opts.judge, opts),
  ]);
  const adoptions = decisions.filter((r): r is Decision & { outcome: string } => r.outcome !== null);
  const preferences = decisions.filter((r): r is Decision & { verdict: string; left: string } => r.verdict !== null);
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

  for (const r of impressions) weekOf(r.week).impressions = r.n;
  for (const r of armsShown) armOf(weekOf(r.week), r).shown += r.n;

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

  for (const r of relevance) {
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
  return { from: opts.from.toISOString(), to: opts.to.toISOString(), tooFastMs: opts.tooFastMs, weeks: result, models, adapterHealth, helpfulness: helpfulnessMetrics };
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
