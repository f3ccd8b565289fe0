/**
 * The bias-amplification bench over several seeds: for each seed and policy, the first generation
 * whose manifest warned of drift and the model's final skew. One seed is one draw of tickets,
 * agents and sampling; the claim that the guard holds must hold for every seed tried, not the one
 * in the README's table.
 *
 *   npm run bench:bias:seeds
 *   SEEDS=1,2,3,4,5,6,7,8,11,12 (the default) GENERATIONS=8 TICKETS=500 POLICIES=default,latest-only
 */
import { buildApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/open';
import { IN_MEMORY } from '../server/src/db/pglite';
import { POLICIES, runPolicy, type PolicyResult } from './bias-generations';

const SEEDS = (process.env.SEEDS ?? '1,2,3,4,5,6,7,8,11,12').split(',').map(Number);
const GENERATIONS = Number(process.env.GENERATIONS ?? 8);
const TICKETS = Number(process.env.TICKETS ?? 500);
const ONLY = process.env.POLICIES?.split(',');
// REFIT=mle refits by plain maximum likelihood instead of the paper's weighted MLE (the default, REFIT=wmle).
const REFIT = process.env.REFIT ?? 'wmle';
if (REFIT !== 'wmle' && REFIT !== 'mle') throw new Error(`REFIT must be wmle or mle, not ${REFIT}`);
const PRIOR_WEIGHT = REFIT === 'mle' ? 0 : 1;
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

async function main() {
  const policies = POLICIES.filter((p) => !ONLY || ONLY.includes(p.name));
  console.log(`Bias amplification over seeds ${SEEDS.join(', ')}: ${GENERATIONS} generations x ${TICKETS} tickets; per policy, first drift warning (generation) and final model skew`);
  console.log(['seed', ...policies.map((p) => p.name.padStart(22))].join(' '));
  const db = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
  const app = await buildApp({ config: { ...loadConfig({}), rateLimitPerMinute: 1_000_000, logLevel: 'silent' }, db });
  await app.ready();
  const seeds: Record<string, Record<string, Omit<PolicyResult, 'rows'> & { warnings: string[] }>> = {};
  try {
    for (const seed of SEEDS) {
      const cells: string[] = [];
      seeds[seed] = {};
      for (const policy of policies) {
        const res = await runPolicy(app, db, policy, { generations: GENERATIONS, ticketsPerGeneration: TICKETS, seed, favoured: 'detailed', initialShare: 0.4, priorWeight: PRIOR_WEIGHT });
        const warnings = res.rows.flatMap((r) => r.warnings.map((w) => `g${r.generation}: ${w}`));
        seeds[seed]![policy.name] = { alarmGeneration: res.alarmGeneration, finalSkew: res.finalSkew, warnings };
        cells.push(`${res.alarmGeneration === null ? '-' : `g${res.alarmGeneration}`} / ${pct(res.finalSkew)}`.padStart(22));
      }
      console.log([String(seed).padStart(4), ...cells].join(' '));
    }
  } finally {
    await app.close();
    await db.close();
  }
  // Per policy: on how many seeds it warned, and how far its final skew ended from what agents write (a third).
  for (const policy of policies) {
    const runs = Object.values(seeds).map((s) => s[policy.name]!);
    const distance = runs.reduce((a, r) => a + Math.abs(r.finalSkew - 1 / 3), 0) / runs.length;
    const finals = runs.map((r) => r.finalSkew);
    console.log(`${policy.name}: warned on ${runs.filter((r) => r.alarmGeneration !== null).length} of ${runs.length} seeds; final skew ${pct(Math.min(...finals))}-${pct(Math.max(...finals))}, on average ${(100 * distance).toFixed(1)} points from the agents' 33.3%`);
  }
  console.log(JSON.stringify({ seeds }));
}

await main();
