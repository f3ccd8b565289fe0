/**
 * `npm run bench:flywheel`: one turn of the flywheel on a knowledge base the code was not tuned
 * on. Imports the help centre, lets simulated agents label what they are shown on a training set
 * of labelled tickets (NOISE of judgements flipped, default 10%), runs one turn (`aitl models
 * retrain`), and prints on held-out tickets recall@75, precision@8, hit@8 and MRR@8 of plain
 * BM25, of the shipped models before any feedback, and of what serves after the turn, in one run.
 *
 *   DATASETS=demo,parcelpoint,brightbank NOISE=0.1 npm run bench:flywheel
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabelledTicket } from '../lib/contract';
import { openDatabase } from '../server/src/db/open';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { evaluatePlainBm25, evaluateRetrieval, readLabelledTickets, type EvalResult } from '../server/src/knowledge/evaluation';
import { importKnowledgeBase } from '../server/src/knowledge/import';
import { Retriever } from '../server/src/knowledge/retriever';
import { readSource } from '../server/src/knowledge/sources/read-source';
import { storedModels } from '../server/src/models/serving';
import { startTurn } from '../server/src/models/turn';
import { suggestionEngine } from '../server/src/suggestions/engine';
import { testApp, tokenFor } from '../server/test/helpers/app';
import { articleUrls, DEFAULT_SIMULATION, injectClient, simulateAgents } from '../server/test/helpers/simulated-agents';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATASETS: Record<string, { kb: string; tickets: string }> = {
  demo: { kb: DEMO_KB_DIR, tickets: DEMO_TICKETS },
  parcelpoint: { kb: path.join(ROOT, 'datasets/parcelpoint/kb'), tickets: path.join(ROOT, 'datasets/parcelpoint/tickets.jsonl') },
  brightbank: { kb: path.join(ROOT, 'datasets/brightbank/kb'), tickets: path.join(ROOT, 'datasets/brightbank/tickets.jsonl') },
};
const chosen = (process.env.DATASETS ?? 'demo,parcelpoint,brightbank').split(',').filter((d) => d && fs.existsSync(DATASETS[d]?.tickets ?? ''));
const NOISE = Number(process.env.NOISE ?? DEFAULT_SIMULATION.noise);
/** Share of each set's tickets the simulated agents work (by hashed id); the rest is held out. */
const TRAIN_SHARE = Number(process.env.TRAIN_SHARE ?? 0.62);

const trainingTicket = (id: string) => createHash('sha256').update(`flywheel-bench:${id}`).digest().readUInt32BE(0) / 2 ** 32 < TRAIN_SHARE;

function row(name: string, r: EvalResult) {
  return `  ${name.padEnd(28)} ${r.report['recall@75'].toFixed(4)}   ${r.report['precision@8'].toFixed(4)}   ${r.hitAt8.toFixed(4)}  ${r.mrrAt8.toFixed(4)}   ${r.report.versions.retriever} / ${r.report.versions.reranker}`;
}

const summary: Record<string, unknown> = {};
for (const name of chosen) {
  const set = DATASETS[name]!;
  const db = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
  const { app } = await testApp(db, { logLevel: 'warn' });
  try {
    const agent = await tokenFor(db, 'agent', { tenant: name, name: 'sim-agent' });
    await importKnowledgeBase(db, { tenantId: name, source: name, origin: set.kb, parsed: readSource(set.kb) });
    const tickets = readLabelledTickets(set.tickets);
    const training = tickets.filter((t) => trainingTicket(t.ticketId));
    const heldOut = tickets.filter((t) => !trainingTicket(t.ticketId) && t.relevant.length > 0);
    // What serves, read from the database as every replica reads it.
    const serving = suggestionEngine().models;
    const evalServed = async (tks: LabelledTicket[]) => {
      const served = await serving.forTenant(db, name);
      return evaluateRetrieval(db, name, tks, served.reranker, new Retriever(null), served.stageOne);
    };
    const bm25 = await evaluatePlainBm25(db, name, heldOut);
    const before = await evalServed(heldOut);
    const started = Date.now();
    const sim = await simulateAgents(injectClient(app, agent.headers), await articleUrls(db, name), training, { ...DEFAULT_SIMULATION, noise: NOISE });
    const simSeconds = (Date.now() - started) / 1000;
    const t0 = Date.now();
    const turn = await startTurn(db, name, serving, { requestedBy: 'bench' });
    const result = await turn.finished;
    const turnSeconds = (Date.now() - t0) / 1000;
    serving.invalidate(name);
    const after = await evalServed(heldOut);
    console.log(`\n${name}: ${readSource(set.kb).articles.length} articles; ${sim.tickets} training tickets worked by simulated agents (noise ${NOISE}, ${sim.relevance} labels, ${sim.links} links, ${simSeconds.toFixed(0)} s); ${heldOut.length} held-out tickets`);
    console.log(`  turn ${result.turn} (${turnSeconds.toFixed(0)} s): ${result.promoted ? 'PROMOTED' : 'not promoted'}: ${result.reason}`);
    console.log(`  ${''.padEnd(28)} recall@75 precision@8 hit@8   MRR@8    versions`);
    console.log(row('plain BM25', bm25));
    console.log(row('before (shipped models)', before));
    console.log(row('after one turn (served)', after));
    let candidate: EvalResult | null = null;
    if (result.candidate && !result.promoted) {
      // What the gate turned down, judged on the held-out tickets it never saw.
      const models = await storedModels(db, name, result.candidate.versions);
      candidate = await evaluateRetrieval(db, name, heldOut, models.reranker, new Retriever(null), models.stageOne);
      console.log(row('candidate (not promoted)', candidate));
      console.log(`  on the eval slice (${result.candidate.tickets} tickets): candidate P@8 ${result.candidate['precision@8']} R@75 ${result.candidate['recall@75']} vs current ${result.current?.['precision@8']} / ${result.current?.['recall@75']}`);
    }
    const rel = (a: number, b: number) => (b > 0 ? Number((((a - b) / b) * 100).toFixed(1)) : null);
    summary[name] = {
      promoted: result.promoted,
      bm25: bm25.report,
      before: { ...before.report, hit: before.hitAt8, mrr: before.mrrAt8 },
      after: { ...after.report, hit: after.hitAt8, mrr: after.mrrAt8 },
      precisionGainPct: rel(after.report['precision@8'], before.report['precision@8']),
      ...(candidate && { candidate: { ...candidate.report, hit: candidate.hitAt8, mrr: candidate.mrrAt8 } }),
    };
  } finally {
    await app.close();
    await db.close();
  }
}
console.log(JSON.stringify(summary));
