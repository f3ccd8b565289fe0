/**
 * The generation side of a turn, and what it adds to a suggestion, on the embedded database:
 * - the champion decision over PREFERENCES pairwise judgements (Bradley–Terry with a 1,000-resample
 *   bootstrap), next to the same decision without the bootstrap (one fit), in the same run;
 * - building an example set from EXAMPLES approved replies (PII redaction, one write), next to a
 *   rebuild that finds nothing new (the read and the content hash alone);
 * - POST /v1/suggestions with a chat arm that puts 3 similar examples into its prompt, next to the
 *   same arm with none, interleaved (a local stand-in for the chat endpoint answers at once).
 *
 *   npm run bench:generation      PREFERENCES=2000 EXAMPLES=2000 REQUESTS=200
 */
import type { TicketContext } from '../lib/contract';
import { buildApp } from '../server/src/app';
import { loadConfig } from '../server/src/config';
import type { Database } from '../server/src/db/database';
import { openDatabase } from '../server/src/db/open';
import { IN_MEMORY } from '../server/src/db/pglite';
import { DEMO_KB_DIR, DEMO_TICKETS } from '../server/src/demo';
import { readLabelledTickets } from '../server/src/knowledge/evaluation';
import { importKnowledgeBase } from '../server/src/knowledge/import';
import { readSource } from '../server/src/knowledge/sources/read-source';
import { trainChampion } from '../server/src/models/champion';
import { buildExampleSet } from '../server/src/models/reply-examples';
import { promote } from '../server/src/models/store';
import { resolveArms } from '../server/src/suggestions/arms-config';
import { createToken } from '../server/src/auth/tokens';
import { json, startFakeServer } from '../server/test/helpers/fake-http';
import { Flywheel } from '../server/test/helpers/flywheel';

const PREFERENCES = Number(process.env.PREFERENCES ?? 2_000);
const EXAMPLES = Number(process.env.EXAMPLES ?? 2_000);
const REQUESTS = Number(process.env.REQUESTS ?? 200);
const ROUNDS = 3;

const percentile = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const fmt = (xs: number[]) => `p50 ${percentile(xs, 50).toFixed(1)} ms, p95 ${percentile(xs, 95).toFixed(1)} ms`;
async function timed<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const out = await fn();
  return [performance.now() - t, out];
}
const seqOf = async (db: Database, tenantId: string) =>
  (await db.query<{ seq: number }>('SELECT coalesce(max(seq), 0)::int AS seq FROM annotations WHERE tenant_id = $1', [tenantId])).rows[0]!.seq;

async function main() {
  const db = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
  const tickets: TicketContext[] = readLabelledTickets(DEMO_TICKETS).map((t) => ({ platform: 'zendesk', ticketId: t.ticketId, subject: t.subject, messages: t.messages }));
  const customer = (i: number) => tickets[i % tickets.length]!.messages.find((m) => m.role === 'customer')?.text ?? `ticket ${i}`;

  // Champion: 60% of judgements prefer the challenger.
  const fw = await Flywheel.create(db, 'bench-generation');
  const art = await fw.article('Doorbell power', 'Use a 16 V transformer.');
  for (let i = 0; i < PREFERENCES; i++) {
    const imp = await fw.impression({ ticketId: `p${i}`, customer: customer(i), arms: { A: 'a', B: 'b' }, articles: [art] });
    await fw.sync(fw.preference(imp, i % 5 < 3 ? 'B' : 'A', (['slight', 'clear', 'strong'] as const)[i % 3]));
  }
  const arms = [{ id: 'extractive' }, { id: 'gpt-support' }];
  const mark = await seqOf(db, fw.tenantId);
  const withBootstrap: number[] = [];
  const oneFit: number[] = [];
  let decision = '';
  for (let r = 0; r < ROUNDS; r++) {
    oneFit.push((await timed(() => trainChampion(db, fw.tenantId, { watermark: mark, arms, resamples: 0 })))[0]);
    const [ms, result] = await timed(() => trainChampion(db, fw.tenantId, { watermark: mark, arms }));
    withBootstrap.push(ms);
    decision = result.reason;
  }
  console.log(`champion over ${PREFERENCES} preferences: with bootstrap ${fmt(withBootstrap)}; one fit (baseline) ${fmt(oneFit)}`);
  console.log(`  decision: ${decision}`);

  // Example set: approved replies with an e-mail address and a phone number in each.
  const ex = await Flywheel.create(db, 'bench-examples');
  for (let i = 0; i < EXAMPLES; i++) {
    const imp = await ex.impression({ ticketId: `e${i}`, customer: `${customer(i)} Reach me at user${i}@example.com`, requester: { name: 'Dana Whitfield' }, arms: { A: 'a' }, articles: [art] });
    await ex.sync(ex.adoption(imp, (['as_is', 'light_edit', 'heavy_edit'] as const)[i % 3], `Hi Dana, about ticket ${i}: please check the transformer, or call +44 20 7946 0${String(i % 1000).padStart(3, '0')}.`));
  }
  const exMark = await seqOf(db, ex.tenantId);
  const [buildMs, set] = await timed(() => buildExampleSet(db, ex.tenantId, { watermark: exMark, turn: 1 }));
  const [rebuildMs] = await timed(() => buildExampleSet(db, ex.tenantId, { watermark: exMark, turn: 2 }));
  console.log(`example set of ${set?.count} replies: build ${buildMs.toFixed(0)} ms (${((buildMs / (set?.count ?? 1)) * 1000).toFixed(0)} µs a reply); unchanged rebuild (baseline) ${rebuildMs.toFixed(0)} ms`);

  // Suggestions with and without examples in the prompt, for the tenant that has the set.
  await importKnowledgeBase(db, { tenantId: ex.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
  await promote(db, ex.tenantId, set!.version, { actor: 'bench', reason: 'bench' });
  const chat = await startFakeServer((_req, res) => json(res, 200, { choices: [{ message: { role: 'assistant', content: 'Please check the transformer [1].' } }] }));
  const { token } = await createToken(db, { tenantId: ex.tenantId, role: 'agent', name: 'bench-agent' });
  const appWith = async (examples: number) => {
    const armsConfig = resolveArms({ arms: [{ id: 'gpt', provider: 'openai', baseUrl: `${chat.url}/v1`, model: 'm', promptVersion: 'support-reply-1', examples }] }, {}, 'bench');
    const app = await buildApp({ config: { ...loadConfig({}), logLevel: 'silent', rateLimitPerMinute: 1_000_000, suggestions: { ...loadConfig({}).suggestions, arms: armsConfig } }, db });
    await app.ready();
    return app;
  };
  const apps = { with: await appWith(3), without: await appWith(0) };
  const times = { with: [] as number[], without: [] as number[] };
  const ask = (app: Awaited<ReturnType<typeof appWith>>, context: TicketContext) =>
    app.inject({ method: 'POST', url: '/v1/suggestions', headers: { authorization: `Bearer ${token}` }, payload: { context, pairwise: false } });
  for (let i = 0; i < REQUESTS + 20; i++) {
    const context = tickets[i % tickets.length]!;
    for (const key of i % 2 ? (['with', 'without'] as const) : (['without', 'with'] as const)) {
      const [ms, res] = await timed(() => ask(apps[key], context));
      if (res.statusCode !== 200) throw new Error(`suggestion answered ${res.statusCode}: ${res.body}`);
      if (i >= 20) times[key].push(ms);
    }
  }
  console.log(`POST /v1/suggestions, one chat arm: 3 examples in the prompt ${fmt(times.with)}; no examples (baseline) ${fmt(times.without)}`);
  await Promise.all([apps.with.close(), apps.without.close(), chat.close()]);
  await db.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
