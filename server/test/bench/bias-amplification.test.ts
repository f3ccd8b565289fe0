import { describe, expect, it } from 'vitest';
import { POLICIES, runPolicy, type SimulationOptions } from '../../../bench/bias-generations';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

/**
 * `npm run bench:bias` in small (3 generations of 300 tickets: fewer and the naive run's length gap is within noise): the direction of the effect,
 * not its size. The naive flywheel amplifies the model's lean and is warned of; the defaults hold
 * it below that without a warning.
 */
const OPTIONS: SimulationOptions = { generations: 3, ticketsPerGeneration: 300, seed: 5, favoured: 'detailed', initialShare: 0.4 };
const policy = (name: string) => POLICIES.find((p) => p.name === name)!;

describe.each(testDatabases())('bias amplification over generations on $name', (testDb) => {
  const suite = suiteApp(testDb);

  it('grows the lean under latest-only, and the defaults keep it below that', async () => {
    const naive = await runPolicy(suite.app, suite.db, policy('latest-only'), OPTIONS);
    const defaults = await runPolicy(suite.app, suite.db, policy('default'), OPTIONS);
    expect(naive.rows).toHaveLength(OPTIONS.generations);
    expect(naive.finalSkew).toBeGreaterThan(OPTIONS.initialShare + 0.1);
    expect(naive.rows.at(-1)!.skew).toBeGreaterThan(naive.rows[0]!.skew);
    expect(defaults.finalSkew).toBeLessThan(naive.finalSkew - 0.1);
    // The drift report catches the naive flywheel within three generations and leaves the defaults alone.
    expect(naive.alarmGeneration).not.toBeNull();
    expect(naive.alarmGeneration!).toBeLessThanOrEqual(3);
    expect(defaults.alarmGeneration).toBeNull();
    // The cap held: no batch's SFT file was more than half model text.
    for (const row of defaults.rows) expect(row.syntheticShare).toBeLessThanOrEqual(0.5);
  }, 240_000);

  it('repeats itself with the same seed', async () => {
    const once = { ...OPTIONS, generations: 2, seed: 8 };
    const a = await runPolicy(suite.app, suite.db, { ...policy('default'), name: 'default-a' }, once);
    const b = await runPolicy(suite.app, suite.db, { ...policy('default'), name: 'default-b' }, once);
    expect(b.rows).toEqual(a.rows);
  }, 120_000);
});
