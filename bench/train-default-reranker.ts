/**
 * How the shipped reranker weights (server/src/knowledge/reranker-weights.json) are made: fitted
 * on the training third of the demo tickets and the training third of the ParcelPoint development
 * set, with the shipped stage one, never on the Brightbank holdout (which judges them).
 *
 *   npx tsx bench/train-default-reranker.ts [out.json]
 */
import fs from 'node:fs';
import { openDatabase } from '../server/src/db/open';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { labelledRetrievalSets, readLabelledTickets, selectSplit } from '../server/src/knowledge/evaluation';
import { importKnowledgeBase } from '../server/src/knowledge/import';
import { trainReranker } from '../server/src/knowledge/reranker-training';
import { readSource } from '../server/src/knowledge/sources/read-source';

const SETS = [
  { tenant: 'demo', kb: DEMO_KB_DIR, tickets: DEMO_TICKETS },
  { tenant: 'parcelpoint', kb: 'datasets/parcelpoint/kb', tickets: 'datasets/parcelpoint/tickets.jsonl' },
];
const out = process.argv[2] ?? 'server/src/knowledge/reranker-weights.json';
const db = await openDatabase({ databaseUrl: undefined, dataDir: 'memory://' });
const sets = [];
for (const s of SETS) {
  await importKnowledgeBase(db, { tenantId: s.tenant, source: s.tenant, origin: s.kb, parsed: readSource(s.kb) });
  sets.push(...(await labelledRetrievalSets(db, s.tenant, selectSplit(readLabelledTickets(s.tickets), 'training'))));
}
const weights = trainReranker(sets, { version: 'rerank-lr-2', trainedOn: 'training thirds of the demo and ParcelPoint sets (bench/train-default-reranker.ts), stage one bm25f-1' });
fs.writeFileSync(out, JSON.stringify(weights, null, 2) + '\n');
console.log(`wrote ${weights.version} to ${out}: ${weights.trainedOn}`);
console.log(JSON.stringify(Object.fromEntries(weights.features.map((f, i) => [f, weights.weights[i]]))));
await db.close();
