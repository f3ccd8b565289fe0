import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { recordChampion, trainChampion } from '../../src/models/champion';
import { inEvalSlice } from '../../src/models/eval-slice';
import { readServedGeneration } from '../../src/models/served-champion';
import { modelVersion, promotionHistory, servingVersions } from '../../src/models/store';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';
import { Flywheel, type ArticleRef } from '../helpers/flywheel';

// The Flywheel fixture shows arm "extractive" in slot A and "gpt-support" in slot B.
const ARMS = [{ id: 'extractive' }, { id: 'gpt-support' }];

/** Ticket ids on one side of the frozen eval slice. */
function tickets(inSlice: boolean, count: number, prefix: string): string[] {
  const out: string[] = [];
  for (let n = 0; out.length < count; n++) if (inEvalSlice({ platform: 'zendesk', ticketId: `${prefix}-${n}` }) === inSlice) out.push(`${prefix}-${n}`);
  return out;
}

async function watermark(db: Database, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int AS seq FROM annotations WHERE tenant_id = $1', [tenantId]);
  return rows[0]!.seq;
}

describe.each(testDatabases())('the champion arm on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  /** Pairwise preferences on fresh tickets: each verdict one impression. */
  async function judged(fw: Flywheel, art: ArticleRef, verdicts: ('A' | 'B' | 'tie' | 'both_bad')[], opts: { inSlice?: boolean; prefix?: string } = {}) {
    const ids = tickets(opts.inSlice ?? false, verdicts.length, opts.prefix ?? `t${Math.random().toString(36).slice(2, 7)}`);
    for (const [i, verdict] of verdicts.entries()) {
      const imp = await fw.impression({ ticketId: ids[i]!, customer: `My camera ${i} is offline`, arms: { A: `Reply A ${i}`, B: `Reply B ${i}` }, articles: [art] });
      await fw.sync(fw.preference(imp, verdict));
    }
  }
  const times = <T,>(n: number, x: T): T[] => Array.from({ length: n }, () => x);

  async function tenant() {
    const fw = await Flywheel.create(suite.db);
    const art = await fw.article('Camera offline', 'Restart the camera and check the Wi-Fi signal.');
    return { fw, art };
  }

  it('promotes a challenger agents clearly prefer, and the promotion is what serves', async () => {
    const { fw, art } = await tenant();
    await judged(fw, art, [...times(30, 'B' as const), ...times(8, 'A' as const), ...times(4, 'tie' as const), ...times(3, 'both_bad' as const)]);
    const result = await trainChampion(suite.db, fw.tenantId, { watermark: await watermark(suite.db, fw.tenantId), arms: ARMS, current: null });

    expect(result.champion).toBe('extractive');
    expect(result.comparisons).toBe(42); // both-bad verdicts say nothing about which arm is better
    expect(result.promote).toBe(true);
    expect(result.interval!.low).toBeGreaterThan(0.5);
    expect(result.interval!.estimate).toBeGreaterThan(result.interval!.low);
    expect(result.interval!.high).toBeGreaterThanOrEqual(result.interval!.estimate);
    expect(result.strengths['gpt-support']).toBeGreaterThan(result.strengths.extractive!);
    expect(result.candidate).toMatchObject({ version: 'champion-1', artefact: { armId: 'gpt-support', replaces: 'extractive', headToHead: 42 } });
    expect(result.reason).toMatch(/gpt-support preferred over extractive .*promoted/);

    expect(await recordChampion(suite.db, fw.tenantId, 1, result)).toBe('champion-1');
    expect(await servingVersions(suite.db, fw.tenantId)).toEqual({ champion: 'champion-1' });
    expect(await readServedGeneration(suite.db, fw.tenantId)).toEqual({ champion: 'gpt-support', championVersion: 'champion-1', examples: null });
    const [promotion] = await promotionHistory(suite.db, fw.tenantId);
    expect(promotion).toMatchObject({ kind: 'champion', version: 'champion-1', action: 'promote', turn: 1, reason: result.reason });
    expect((await modelVersion(suite.db, fw.tenantId, 'champion-1'))!.trainedOn).toMatchObject({ preferences: 42, evalSliceHeldOut: 0 });

    // The next turn judges against the new champion: the old one now has to win its place back.
    const next = await trainChampion(suite.db, fw.tenantId, { watermark: await watermark(suite.db, fw.tenantId), arms: ARMS, current: 'gpt-support' });
    expect(next.champion).toBe('gpt-support');
    expect(next.candidate).toBeNull();
    expect(next.promote).toBe(false);
    expect(next.reason).toMatch(/gpt-support is preferred over every challenger/);
  });

  it('keeps the champion when the preferences are a tie, and says so', async () => {
    const { fw, art } = await tenant();
    await judged(fw, art, [...times(20, 'B' as const), ...times(19, 'A' as const), ...times(6, 'tie' as const)]);
    const result = await trainChampion(suite.db, fw.tenantId, { watermark: await watermark(suite.db, fw.tenantId), arms: ARMS });
    expect(result.promote).toBe(false);
    expect(result.interval!.low).toBeLessThan(0.5);
    expect(result.interval!.high).toBeGreaterThan(0.5);
    expect(result.reason).toMatch(/the interval includes a tie; extractive stays/);
    // A candidate that lost is history, not what serves.
    expect(await recordChampion(suite.db, fw.tenantId, 1, result)).toBe('champion-1');
    expect(await servingVersions(suite.db, fw.tenantId)).toEqual({});
  });

  it('refuses to decide on too few comparisons, however one-sided (the minimum is configurable)', async () => {
    const { fw, art } = await tenant();
    await judged(fw, art, times(12, 'B' as const));
    const mark = await watermark(suite.db, fw.tenantId);
    const result = await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: ARMS });
    expect(result.promote).toBe(false);
    expect(result.interval!.low).toBeGreaterThan(0.5);
    expect(result.reason).toMatch(/12 head-to-head.*too few comparisons, at least 30 are needed/);
    const lenient = await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: ARMS, minComparisons: 10 });
    expect(lenient.promote).toBe(true);
  });

  it('never learns from the eval slice, nor from judgements after the watermark, and decides the same way twice', async () => {
    const { fw, art } = await tenant();
    await judged(fw, art, times(40, 'A' as const), { inSlice: true });
    await judged(fw, art, [...times(28, 'B' as const), ...times(6, 'A' as const)]);
    const mark = await watermark(suite.db, fw.tenantId);
    await judged(fw, art, times(60, 'A' as const)); // after the watermark
    const result = await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: ARMS });
    expect(result.comparisons).toBe(34);
    expect(result.promote).toBe(true);
    expect(result.candidate!.trainedOn).toMatchObject({ watermark: mark, preferences: 34, evalSliceHeldOut: 40 });
    const again = await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: ARMS });
    expect(again.interval).toEqual(result.interval);

    const onlySlice = await Flywheel.create(suite.db);
    const a2 = await onlySlice.article('Camera offline', 'Restart it.');
    await judged(onlySlice, a2, times(40, 'B' as const), { inSlice: true });
    const none = await trainChampion(suite.db, onlySlice.tenantId, { watermark: await watermark(suite.db, onlySlice.tenantId), arms: ARMS });
    expect(none).toMatchObject({ comparisons: 0, candidate: null, promote: false });
    expect(none.reason).toMatch(/no pairwise preferences/);
  });

  it('counts only configured arms and names the next version after the last', async () => {
    const { fw, art } = await tenant();
    await judged(fw, art, times(35, 'B' as const));
    const mark = await watermark(suite.db, fw.tenantId);
    expect((await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: [{ id: 'extractive' }] })).reason).toMatch(/only one reply arm/);
    expect((await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: [{ id: 'extractive' }, { id: 'other' }] })).comparisons).toBe(0);
    const first = await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: ARMS });
    await recordChampion(suite.db, fw.tenantId, 1, first);
    const second = await trainChampion(suite.db, fw.tenantId, { watermark: mark, arms: ARMS, current: 'no-longer-configured' });
    expect(second.champion).toBe('extractive');
    expect(second.candidate!.version).toBe('champion-2');
  });
});
