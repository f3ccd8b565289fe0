import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Impression, ImpressionRecord, type TicketContext } from '../../../lib/contract';
import { buildApp } from '../../src/app';
import type { Database } from '../../src/db/database';
import { DEMO_KB_DIR } from '../../src/demo';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { readRerankerWeights } from '../../src/knowledge/reranker';
import { readSource } from '../../src/knowledge/sources/read-source';
import { buildExampleSet } from '../../src/models/reply-examples';
import { SERVED_TTL_MS } from '../../src/models/served-champion';
import { insertModelVersion, promote } from '../../src/models/store';
import { resolveArms } from '../../src/suggestions/arms-config';
import { TEST_CONFIG, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { json, startFakeServer } from '../helpers/fake-http';
import { Flywheel } from '../helpers/flywheel';

const doorbell: TicketContext = {
  platform: 'zendesk',
  ticketId: '90001',
  subject: 'Doorbell keeps restarting',
  requester: { name: 'Maria Lopez' },
  messages: [{ role: 'customer', text: 'My new video doorbell keeps restarting at night and the app says low power. It is wired to the old chime transformer.' }],
};

const chatAnswer = (content: string) => ({ id: 'chatcmpl-1', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }] });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Past tickets agents answered: a few about doorbell power, the rest about other things.
const PAST = [
  ['Doorbell restarts at night, low power warning in the app', 'The chime transformer gives too little power; a 16 V 30 VA transformer stops the restarts.'],
  ['Video doorbell reboots, wired to old doorbell transformer', 'Old transformers often give 10 V; please check the rating and upgrade to 16 V.'],
  ['Cannot reset my password', 'Use "Forgot password" on the sign-in page; the link is valid for an hour.'],
  ['Refund for the yearly plan', 'Yearly renewals are refunded in full within 14 days.'],
  ['Camera shows offline', 'Restart the camera and move it closer to the router.'],
  ['Change the e-mail on my account', 'Open Settings > Account > E-mail and confirm the new address.'],
  ['Invoice in another currency', 'Invoices follow the billing country; change it under Billing.'],
  ['Siren too loud', 'Lower the siren volume under Devices > Siren > Volume.'],
  ['Share access with my partner', 'Invite them under Settings > Shared users.'],
  ['Motion alerts arrive late', 'Turn off battery saver for the app on your phone.'],
];

describe.each(testDatabases())('the champion and example replies in suggestions on $name', (testDb) => {
  let db: Database;
  let agent: Awaited<ReturnType<typeof tokenFor>>;
  let chat: Awaited<ReturnType<typeof startFakeServer>>;
  const apps: FastifyInstance[] = [];

  beforeAll(async () => {
    db = await testDb.open();
    agent = await tokenFor(db, 'agent');
    await importKnowledgeBase(db, { tenantId: agent.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
    chat = await startFakeServer((_req, res) => json(res, 200, chatAnswer('Please check the transformer [1].')));
  }, 180_000);
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((a) => a.close()));
  });
  afterAll(async () => {
    await chat?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const gpt = (over: Record<string, unknown> = {}) => ({ id: 'gpt', provider: 'openai', baseUrl: `${chat.url}/v1`, model: 'gpt-test', promptVersion: 'support-reply-1', ...over });
  const extractive = { id: 'extractive-lead', provider: 'extractive', strategy: 'lead' };

  async function appWith(arms: unknown[]) {
    const config = { ...TEST_CONFIG, logLevel: 'silent' as const, suggestions: { arms: resolveArms({ arms, timeoutMs: 5000 }, {}, 'test'), reranker: readRerankerWeights() } };
    const app = await buildApp({ config, db });
    apps.push(app);
    return async (context: TicketContext, pairwise: boolean) => {
      const res = await app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context, pairwise } });
      expect(res.statusCode, res.body).toBe(200);
      return Impression.parse(res.json());
    };
  }

  const prompts = () => chat.requests.map((r) => (r.body as { messages: { content: string }[] }).messages[1]!.content);

  it('shows the first configured arm alone until a champion is promoted, then the champion, within a second, without a restart', async () => {
    const suggest = await appWith([extractive, gpt({ weight: 1000 })]);
    for (let i = 0; i < 6; i++) expect((await suggest({ ...doorbell, ticketId: `c${i}` }, false)).arms.map((a) => a.armId)).toEqual(['extractive-lead']);
    // Pairwise: the champion against a challenger.
    expect((await suggest(doorbell, true)).arms.map((a) => [a.slot, a.armId])).toEqual([['A', 'extractive-lead'], ['B', 'gpt']]);

    await insertModelVersion(db, agent.tenantId, { version: 'champion-1', kind: 'champion', turn: 1, artefact: { armId: 'gpt' }, trainedOn: {} });
    await promote(db, agent.tenantId, 'champion-1', { actor: 'test', reason: 'agents prefer it', turn: 1 });
    await sleep(SERVED_TTL_MS + 100);
    for (let i = 0; i < 4; i++) expect((await suggest({ ...doorbell, ticketId: `d${i}` }, false)).arms.map((a) => a.armId)).toEqual(['gpt']);
    expect((await suggest(doorbell, true)).arms.map((a) => [a.slot, a.armId])).toEqual([['A', 'gpt'], ['B', 'extractive-lead']]);
  });

  it('puts the served example set’s most similar approved replies into chat prompts, and records the set in the prompt version', async () => {
    const fw = await Flywheel.create(db, agent.tenantId, 'agent-examples');
    const art = await fw.article('Doorbell power', 'Use a 16 V transformer.');
    for (let round = 0; round < 3; round++) {
      for (const [i, [customer, reply]] of PAST.entries()) {
        const imp = await fw.impression({ ticketId: `past-${round}-${i}`, customer: `${customer} (${round})`, arms: { A: 'draft' }, articles: [art] });
        await fw.sync(fw.adoption(imp, round === 0 ? 'as_is' : 'light_edit', `${reply} (${round})`));
      }
    }
    const { rows } = await db.query<{ seq: number }>('SELECT max(seq)::int AS seq FROM annotations WHERE tenant_id = $1', [agent.tenantId]);
    const set = await buildExampleSet(db, agent.tenantId, { watermark: rows[0]!.seq, turn: 1 });
    expect(set).toMatchObject({ count: 30, created: true });

    const suggest = await appWith([gpt({ id: 'gpt-examples', examples: 2 }), gpt({ id: 'gpt-plain' }), extractive]);
    // Not served yet: no examples, the plain prompt version.
    const before = await suggest(doorbell, false);
    expect(before.arms[0]).toMatchObject({ armId: 'gpt-examples', promptVersion: 'support-reply-1' });
    expect(prompts().at(-1)).not.toContain('Replies agents sent to similar past tickets');

    await promote(db, agent.tenantId, set!.version, { actor: 'test', reason: 'new example set', turn: 1 });
    await sleep(SERVED_TTL_MS + 100);
    chat.requests.length = 0;
    const after = await suggest(doorbell, true);
    const withExamples = after.arms.find((a) => a.armId === 'gpt-examples')!;
    expect(withExamples.promptVersion).toBe(`support-reply-1+${set!.version}`);
    const other = after.arms.find((a) => a.armId !== 'gpt-examples')!;
    expect(other.promptVersion).toBe(other.armId === 'gpt-plain' ? 'support-reply-1' : 'extractive-lead-1');

    const sent = prompts();
    const prompt = sent.find((p) => p.includes('Replies agents sent to similar past tickets'))!;
    expect(prompt).toBeDefined();
    // The two doorbell-power replies, the newest of each (the same reply again is left out); nothing about passwords or refunds.
    const examples = prompt.slice(0, prompt.indexOf('Knowledge base articles:'));
    expect(examples.match(/^Example \d+$/gm)).toEqual(['Example 1', 'Example 2']);
    expect(examples.match(/^Reply sent: .*$/gm)!.sort()).toEqual([`Reply sent: ${PAST[1]![1]} (2)`, `Reply sent: ${PAST[0]![1]} (2)`].sort());
    expect(examples).not.toMatch(/password|refund/i);
    expect(sent.filter((p) => p.includes('Replies agents sent'))).toHaveLength(1); // gpt-plain (examples: 0) gets none

    const record = await apps.at(-1)!.inject({
      method: 'GET',
      url: `/v1/suggestions/${after.id}/record`,
      headers: (await tokenFor(db, 'operator', { tenant: agent.tenantId })).headers,
    });
    const run = ImpressionRecord.parse(record.json()).generation.find((g) => g.armId === 'gpt-examples')!;
    expect(run.promptVersion).toBe(`support-reply-1+${set!.version}`);
    expect(run.prompt![1]!.content).toBe(prompt);
  });
});
