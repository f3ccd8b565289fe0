/**
 * Does the batch builder's guard stop bias amplification over generations? A reply model with a
 * small lean towards one reply style is refit on each batch's sft.jsonl (weighted MLE, as in the
 * paper's simulation), simulated agents adopt its replies with automation bias, and everything
 * goes through the real app (PGlite in memory): `POST /v1/sync`, `POST /v1/batches`, the
 * manifest's drift report. One table per policy, generation by generation; the last line is JSON.
 *
 *   npm run bench:bias
 *   GENERATIONS=8 TICKETS=500 SEED=11 (the defaults); POLICIES=default,latest-only runs only those
 */
import { buildApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import { openDatabase } from '../server/src/db/open';
import { IN_MEMORY } from '../server/src/db/pglite';
import { POLICIES, runPolicy, type GenerationRow, type PolicyResult } from './bias-generations';

const GENERATIONS = Number(process.env.GENERATIONS ?? 8);
const TICKETS = Number(process.env.TICKETS ?? 500);
const SEED = Number(process.env.SEED ?? 11);
const ONLY = process.env.POLICIES?.split(',');
// REFIT=mle refits by plain maximum likelihood instead of the paper's weighted MLE (the default, REFIT=wmle).
const REFIT = process.env.REFIT ?? 'wmle';
if (REFIT !== 'wmle' && REFIT !== 'mle') throw new Error(`REFIT must be wmle or mle, not ${REFIT}`);
const PRIOR_WEIGHT = REFIT === 'mle' ? 0 : 1;
const FAVOURED = 'detailed';
const INITIAL_SHARE = 0.4;

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);
const header = 'gen  served skew  SFT skew  human SFT  model skew  distinct-2  synthetic  SFT rows  mean chars  drift warnings';
const line = (r: GenerationRow) =>
  [
    String(r.generation).padStart(3),
    pct(r.skew).padStart(12),
    pct(r.sftSkew).padStart(9),
    pct(r.humanSftSkew).padStart(10),
    pct(r.modelSkew).padStart(11),
    r.distinct2.toFixed(4).padStart(11),
    pct(r.syntheticShare).padStart(10),
    String(r.sftRows).padStart(9),
    String(r.meanReplyChars).padStart(11),
    ' ' + (r.warnings.length ? r.warnings.map((w) => w.replace(/ for \d generations.*/, '')).join('; ') : '-'),
  ].join(' ');

async function main() {
  console.log(
    `Bias amplification: ${GENERATIONS} generations x ${TICKETS} tickets per policy, seed ${SEED}; the model starts at ${pct(INITIAL_SHARE).trim()} "${FAVOURED}" replies, agents write each of 3 styles a third of the time (33.3%)`,
  );
  const db = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
  const app = await buildApp({ config: { ...loadConfig({}), rateLimitPerMinute: 1_000_000, logLevel: 'silent' }, db });
  await app.ready();
  const policies: Record<string, PolicyResult> = {};
  try {
    for (const policy of POLICIES.filter((p) => !ONLY || ONLY.includes(p.name))) {
      console.log(`\n${policy.name}  ${JSON.stringify(policy.build)}\n${header}`);
      const t = performance.now();
      policies[policy.name] = await runPolicy(app, db, policy, { generations: GENERATIONS, ticketsPerGeneration: TICKETS, seed: SEED, favoured: FAVOURED, initialShare: INITIAL_SHARE, priorWeight: PRIOR_WEIGHT }, (r) => console.log(line(r)));
      const p = policies[policy.name]!;
      console.log(`first drift warning: ${p.alarmGeneration === null ? 'none' : `generation ${p.alarmGeneration}`}; final model skew ${pct(p.finalSkew).trim()} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await app.close();
    await db.close();
  }
  console.log(JSON.stringify({ policies }));
}

await main();
