import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchDetail, DEFAULT_ADOPTION_THRESHOLDS, Impression, SyncResponse, type Annotation } from '../../lib/contract';
import type { Database } from '../src/db/database';
import { DEMO_KB_DIR } from '../src/demo';
import { importKnowledgeBase } from '../src/knowledge/import';
import { readSource } from '../src/knowledge/sources/read-source';
import { testApp, tokenFor } from './helpers/app';
import { testDatabases } from './helpers/databases';

/** The whole path of one piece of data: suggestion -> agent feedback -> sync -> batch. */
describe.each(testDatabases())('a batch from real suggestions on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  it('rebuilds the prompt from the impression the suggestion engine stored, with the article text shown', async () => {
    const agent = await tokenFor(db, 'agent', { name: 'jane@acme' });
    const operator = await tokenFor(db, 'operator', { tenant: agent.tenantId });
    await importKnowledgeBase(db, { tenantId: agent.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
    const context = {
      platform: 'zendesk' as const,
      ticketId: '48213',
      subject: 'Doorbell keeps restarting',
      messages: [{ role: 'customer' as const, text: 'My new doorbell keeps rebooting at night and the app says low power. Reach me at maria.lopez@gmail.com.' }],
    };
    const suggested = await app.inject({ method: 'POST', url: '/v1/suggestions', headers: agent.headers, payload: { context, pairwise: true } });
    expect(suggested.statusCode, suggested.body).toBe(200);
    const impression = Impression.parse(suggested.json());

    const clientId = randomUUID();
    const base = { schemaVersion: 1 as const, createdAt: new Date().toISOString(), clientId, ticket: impression.ticket, impressionId: impression.id };
    const annotations: Annotation[] = [
      { ...base, id: uuidv7(), type: 'preference', payload: { verdict: 'B', strength: 'clear', shownOrder: impression.displayOrder as ['A', 'B'] } },
      {
        ...base,
        id: uuidv7(),
        type: 'adoption',
        payload: { outcome: 'heavy_edit', slot: 'A', similarity: 0.5, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'Hi Maria, a low-power doorbell needs a stronger transformer: 16 V and 30 VA. I have sent you the guide.', channel: 'public' },
      },
      { ...base, id: uuidv7(), type: 'relevance', payload: { articleId: impression.articles[0]!.id, articleVersion: impression.articles[0]!.version, rank: 1, label: 'relevant' } },
      { ...base, id: uuidv7(), type: 'relevance', payload: { articleId: impression.articles[7]!.id, articleVersion: impression.articles[7]!.version, rank: 8, label: 'irrelevant' } },
    ];
    const synced = SyncResponse.parse((await app.inject({ method: 'POST', url: '/v1/sync', headers: agent.headers, payload: { clientId, annotations } })).json());
    expect(synced.results.map((r) => r.status)).toEqual(['stored', 'stored', 'stored', 'stored']);

    const started = await app.inject({ method: 'POST', url: '/v1/batches', headers: operator.headers, payload: { evalShare: 0 } });
    expect(started.statusCode, started.body).toBe(202);
    let detail = BatchDetail.parse(started.json());
    for (let i = 0; i < 200 && detail.batch.status !== 'complete'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      detail = BatchDetail.parse((await app.inject({ method: 'GET', url: '/v1/batches/1', headers: operator.headers })).json());
    }
    expect(detail.batch.rows).toMatchObject({ 'sft.jsonl': 1, 'dpo.jsonl': 2, 'retrieval_triplets.jsonl': 1, 'rerank_pairs.jsonl': 2 });
    expect(detail.manifest!.versions.kb).toEqual([impression.versions.kb]);

    const sft = (await app.inject({ method: 'GET', url: '/v1/batches/1/files/sft.jsonl', headers: operator.headers })).json() as { messages: { role: string; content: string }[] };
    const [system, user, reply] = sft.messages;
    const { rows } = await db.query<{ body: string }>('SELECT body FROM knowledge_article_versions WHERE tenant_id = $1 AND article_id = $2 AND version = $3', [
      agent.tenantId,
      impression.articles[0]!.id,
      impression.articles[0]!.version,
    ]);
    expect(system!.content).toContain(`[1] ${impression.articles[0]!.title}\n${rows[0]!.body.slice(0, 200)}`);
    expect(user).toEqual({ role: 'user', content: 'My new doorbell keeps rebooting at night and the app says low power. Reach me at [EMAIL_1].' });
    expect(reply!.content).toContain('16 V and 30 VA');

    const triplet = (await app.inject({ method: 'GET', url: '/v1/batches/1/files/retrieval_triplets.jsonl', headers: operator.headers })).json();
    expect(triplet.anchor).toContain('Doorbell keeps restarting');
    expect(triplet.positive.startsWith(impression.articles[0]!.title)).toBe(true);
    expect(triplet.negative.startsWith(impression.articles[7]!.title)).toBe(true);
  });
});
