import type { Database, Sql } from '../db/database';
import { bradleyTerry } from '../metrics/bradley-terry';
import { seeded } from '../suggestions/arm-selection';
import { armPreferences, type ArmComparison } from './arm-preferences';
import { insertModelVersion, promote } from './store';

/**
 * The champion arm: the one reply arm shown on tickets that do not ask for a preference. A turn
 * replaces it only when agents' pairwise preferences show a challenger better with a 95% interval
 * that excludes a tie, over enough head-to-head comparisons; anything less keeps the champion.
 */
export const MIN_COMPARISONS = 30;
export const BOOTSTRAP_RESAMPLES = 1000;
export const CHAMPION_METHOD = 'bradley-terry-bootstrap-1';

/** P(challenger preferred over the champion) = s_c / (s_c + s_champion), with its bootstrap 95% interval. */
export interface PreferenceInterval {
  estimate: number;
  low: number;
  high: number;
}

export interface ChallengerResult {
  armId: string;
  /** Judgements between this challenger and the champion themselves. */
  headToHead: number;
  interval: PreferenceInterval;
}

export interface ChampionArtefact {
  armId: string;
  replaces: string;
  method: string;
  resamples: number;
  strengths: Record<string, number>;
  interval: PreferenceInterval;
  headToHead: number;
}

export interface ChampionTraining {
  candidate: { version: string; artefact: ChampionArtefact; trainedOn: Record<string, unknown>; evaluation: Record<string, unknown> } | null;
  promote: boolean;
  reason: string;
  /** The champion the decision was made against. */
  champion: string;
  /** Judgements used, across all configured arms (outside the eval slice, up to the watermark). */
  comparisons: number;
  strengths: Record<string, number>;
  /** The candidate's interval against the champion (null without a candidate). */
  interval: PreferenceInterval | null;
  challengers: ChallengerResult[];
}

export interface ChampionOptions {
  watermark: number;
  /** The configured arms, in configuration order (only their ids matter). */
  arms: readonly { id: string }[];
  /** The arm that serves as champion now; absent or no longer configured: the first configured arm. */
  current?: string | null;
  minComparisons?: number;
  resamples?: number;
}

const round = (x: number) => Number(x.toFixed(4));

export async function trainChampion(db: Sql, tenantId: string, opts: ChampionOptions): Promise<ChampionTraining> {
  const armIds = opts.arms.map((a) => a.id);
  const champion = opts.current && armIds.includes(opts.current) ? opts.current : armIds[0]!;
  const minComparisons = opts.minComparisons ?? MIN_COMPARISONS;
  const resamples = opts.resamples ?? BOOTSTRAP_RESAMPLES;
  const { comparisons, evalSliceHeldOut } = await armPreferences(db, tenantId, opts.watermark, armIds);
  const base = { champion, comparisons: comparisons.length, strengths: {}, interval: null, challengers: [] as ChallengerResult[], candidate: null, promote: false };
  if (armIds.length < 2) return { ...base, reason: 'only one reply arm is configured; there is no challenger' };
  if (comparisons.length === 0) return { ...base, reason: `no pairwise preferences between configured arms up to annotation ${opts.watermark} (outside the eval slice)` };

  const compared = armIds.filter((id) => comparisons.some((c) => c.a === id || c.b === id));
  const strengths = fit(compared, comparisons);
  const challengers = compared.filter((id) => id !== champion && strengths.has(champion));
  const intervals = bootstrap(compared, comparisons, champion, challengers, resamples, `${tenantId}:${opts.watermark}`);
  const results: ChallengerResult[] = challengers.map((armId) => ({
    armId,
    headToHead: comparisons.filter((c) => (c.a === armId && c.b === champion) || (c.b === armId && c.a === champion)).length,
    interval: { estimate: round(share(strengths, armId, champion)), ...intervals.get(armId)! },
  }));
  const strengthsOut = Object.fromEntries([...strengths].map(([k, v]) => [k, round(v)]));
  const done = { ...base, strengths: strengthsOut, challengers: results };
  if (!strengths.has(champion)) return { ...done, reason: `champion ${champion} has no pairwise preferences yet; it stays until it is compared` };

  const byEstimate = [...results].sort((x, y) => y.interval.estimate - x.interval.estimate || x.armId.localeCompare(y.armId));
  const winner = byEstimate.find((r) => r.headToHead >= minComparisons && r.interval.low > 0.5);
  const leader = winner ?? byEstimate[0];
  if (!leader || leader.interval.estimate <= 0.5) return { ...done, reason: `champion ${champion} is preferred over every challenger; it stays` };

  const version = `champion-${(await lastNumber(db, tenantId)) + 1}`;
  const { estimate, low, high } = leader.interval;
  const said = `${leader.armId} preferred over ${champion} with probability ${estimate.toFixed(2)} (95% interval ${low.toFixed(2)}–${high.toFixed(2)}, ${leader.headToHead} head-to-head)`;
  const reason = winner
    ? `${said}: promoted`
    : leader.headToHead < minComparisons
      ? `${said}: too few comparisons, at least ${minComparisons} are needed; ${champion} stays`
      : `${said}: the interval includes a tie; ${champion} stays`;
  const artefact: ChampionArtefact = {
    armId: leader.armId,
    replaces: champion,
    method: CHAMPION_METHOD,
    resamples,
    strengths: strengthsOut,
    interval: leader.interval,
    headToHead: leader.headToHead,
  };
  return {
    ...done,
    promote: !!winner,
    reason,
    interval: leader.interval,
    candidate: {
      version,
      artefact,
      trainedOn: { watermark: opts.watermark, preferences: comparisons.length, evalSliceHeldOut },
      evaluation: { champion, challenger: leader.armId, ...leader.interval, headToHead: leader.headToHead, minComparisons, promoted: !!winner, reason },
    },
  };
}

/**
 * Stores the turn's champion candidate (an immutable version, kept as history even when it loses)
 * and makes it serve when the decision says so. Returns the stored version, or null without one.
 */
export async function recordChampion(
  db: Database,
  tenantId: string,
  turn: number | null,
  result: ChampionTraining,
  actor = 'aitl models retrain',
): Promise<string | null> {
  const { candidate } = result;
  if (!candidate) return null;
  await db.transaction(async (tx) => {
    await insertModelVersion(tx, tenantId, { version: candidate.version, kind: 'champion', turn, artefact: candidate.artefact, trainedOn: candidate.trainedOn, evaluation: candidate.evaluation });
    if (result.promote) await promote(tx, tenantId, candidate.version, { actor, reason: result.reason, turn });
  });
  return candidate.version;
}

async function lastNumber(db: Sql, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ n: number | null }>(
    `SELECT max(substring(version FROM '^champion-([0-9]+)$')::int) AS n FROM model_versions WHERE tenant_id = $1 AND kind = 'champion'`,
    [tenantId],
  );
  return rows[0]?.n ?? 0;
}

const share = (s: Map<string, number>, arm: string, champion: string) => {
  const a = s.get(arm) ?? 0;
  const c = s.get(champion) ?? 0;
  return a + c > 0 ? a / (a + c) : 0.5;
};

function fit(arms: string[], comparisons: readonly ArmComparison[]): Map<string, number> {
  const wins = new Map<string, Map<string, number>>();
  const add = (winner: string, loser: string, w: number) => {
    const row = wins.get(winner) ?? new Map<string, number>();
    row.set(loser, (row.get(loser) ?? 0) + w);
    wins.set(winner, row);
  };
  for (const c of comparisons) {
    if (c.winner === null) {
      add(c.a, c.b, 0.5);
      add(c.b, c.a, 0.5);
    } else add(c.winner, c.winner === c.a ? c.b : c.a, c.weight);
  }
  // 200 MM iterations settle a handful of arms far below the 4 decimals reported.
  return bradleyTerry(arms, wins, 200);
}

/**
 * Percentile bootstrap over judgements (resampled with replacement, the whole Bradley–Terry fit
 * redone each time), seeded by the tenant and the watermark so a turn's decision can be rerun.
 */
function bootstrap(
  arms: string[],
  comparisons: readonly ArmComparison[],
  champion: string,
  challengers: readonly string[],
  resamples: number,
  seed: string,
): Map<string, { low: number; high: number }> {
  const random = seeded(seed, 'champion-bootstrap');
  const samples = new Map(challengers.map((c) => [c, [] as number[]]));
  const n = comparisons.length;
  const drawn: ArmComparison[] = new Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) drawn[i] = comparisons[Math.floor(random() * n)]!;
    const s = fit(arms, drawn);
    for (const c of challengers) samples.get(c)!.push(share(s, c, champion));
  }
  const out = new Map<string, { low: number; high: number }>();
  for (const [c, xs] of samples) {
    xs.sort((a, b) => a - b);
    const at = (q: number) => xs[Math.min(xs.length - 1, Math.max(0, Math.floor(q * xs.length)))] ?? 0.5;
    out.set(c, { low: round(at(0.025)), high: round(at(0.975)) });
  }
  return out;
}
