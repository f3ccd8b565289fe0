import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, Impression, ImpressionRecord, LIMITS, type SuggestionRequest, type TicketContext } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { DEMO_KB_DIR } from '../../src/demo';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { readSource } from '../../src/knowledge/sources/read-source';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

const doorbellTicket: TicketContext = {
  platform: 'zendesk',
  ticketId: '48213',
  subject: 'Doorbell keeps restarting',
  requester: { name: 'Maria Lopez', email: 'maria@example.com' },
  tags: ['doorbell'],
  messages: [
    { role: 'customer', text: 'Hi, I wired the new doorbell to my old doorbell wires last week. It keeps rebooting, mostly at night, and the app says low power. What can I do?' },
    { role: 'internal', text: 'Probably the transformer.' },
  ],
};

describe.each(testDatabases())('POST /v1/suggestions on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let agent: Awaited<ReturnType<typeof tokenFor>>;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    agent = await tokenFor(db, 'agent', { name: 'jane@acme' });
    await importKnowledgeBase(db, { tenantId: agent.tenantId, source: 'demo', origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR) });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const post = (headers: Record<string, string>, payload: unknown) => app.inject({ method: 'POST', url: '/v1/suggestions', headers, payload: payload as object });

  it('answers a pairwise impression: two grounded replies, the eight best articles, a display order, versions', async () => {
    const res = await post(agent.headers, { context: doorbellTicket, pairwise: true } satisfies SuggestionRequest);
    expect(res.statusCode, res.body).toBe(200);
    const impression = Impression.parse(res.json());
    expect(impression.ticket).toEqual({ platform: 'zendesk', ticketId: '48213' });
    expect(impression.pairwise).toBe(true);
    expect(impression.arms.map((a) => [a.slot, a.armId, a.provider])).toEqual([
      ['A', expect.stringMatching(/^extractive-/), 'extractive'],
      ['B', expect.stringMatching(/^extractive-/), 'extractive'],
    ]);
    expect(new Set(impression.arms.map((a) => a.armId)).size).toBe(2);
    expect([...impression.displayOrder].sort()).toEqual(['A', 'B']);
    expect(impression.articles).toHaveLength(LIMITS.shownArticles);
    expect(impression.articles.map((a) => a.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // The article that answers it is among the first three (the wired-install article may lead: it covers the same wires).
    expect(impression.articles.slice(0, 3).map((a) => a.externalId)).toContain('cam-doorbell-power-issues');
    const scores = impression.articles.map((a) => a.score);
    expect(scores).toEqual([...scores].sort((x, y) => y - x));
    const shownIds = new Set(impression.articles.map((a) => a.id));
    for (const arm of impression.arms) {
      expect(arm.text).toMatch(/^(Hi|Hello) Maria,/);
      expect(arm.citedArticleIds.length).toBeGreaterThan(0);
      for (const id of arm.citedArticleIds) expect(shownIds.has(id)).toBe(true);
    }
    expect(impression.versions).toEqual({ retriever: 'bm25f-1', reranker: expect.stringMatching(/^rerank-/), kb: 'kb-1' });
    expect(impression.degraded).toEqual([]);
  });

  it('stores everything the agent saw, retrievable by id and as an operator record', async () => {
    const res = await post(agent.headers, { context: doorbellTicket, pairwise: true });
    const impression = Impression.parse(res.json());

    const { rows } = await db.query<{ agent: string; platform: string; ticket_id: string; body: unknown; context: unknown; candidates: { id: string; version: number; score: number }[]; query: string; retriever_version: string; reranker_version: string; kb_version: string }>(
      'SELECT agent, platform, ticket_id, body, context, candidates, query, retriever_version, reranker_version, kb_version FROM impressions WHERE tenant_id = $1 AND id = $2',
      [agent.tenantId, impression.id],
    );
    const row = rows[0]!;
    expect(row).toMatchObject({ agent: 'jane@acme', platform: 'zendesk', ticket_id: '48213', retriever_version: 'bm25f-1', kb_version: 'kb-1' });
    expect(row.body).toEqual(impression);
    expect(row.context).toEqual(doorbellTicket);
    expect(row.query).toContain('Doorbell keeps restarting');
    expect(row.query).not.toContain('Probably the transformer'); // internal notes are not the question
    expect(row.candidates.length).toBeGreaterThan(LIMITS.shownArticles);
    expect(row.candidates.length).toBeLessThanOrEqual(LIMITS.candidates);
    const firstStage = row.candidates.map((c) => c.score);
    expect(firstStage).toEqual([...firstStage].sort((x, y) => y - x));
    const candidateIds = new Set(row.candidates.map((c) => `${c.id}@${c.version}`));
    for (const a of impression.articles) expect(candidateIds.has(`${a.id}@${a.version}`)).toBe(true);

    const again = await app.inject({ method: 'GET', url: `/v1/suggestions/${impression.id}`, headers: agent.headers });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(impression);

    const operator = await tokenFor(db, 'operator', { tenant: agent.tenantId });
    const recordRes = await app.inject({ method: 'GET', url: `/v1/suggestions/${impression.id}/record`, headers: operator.headers });
    expect(recordRes.statusCode, recordRes.body).toBe(200);
    const record = ImpressionRecord.parse(recordRes.json());
    expect(record.impression).toEqual(impression);
    expect(record.context).toEqual(doorbellTicket);
    expect(record.candidates).toEqual(row.candidates);
    expect(record.generation.map((g) => [g.slot, g.status])).toEqual([
      ['A', 'ok'],
      ['B', 'ok'],
    ]);
    expect(record.generation.map((g) => g.armId)).toEqual(impression.arms.map((a) => a.armId));

    // The text each shown article version had is in the version table, for batches to rebuild.
    const { rows: versions } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM knowledge_article_versions v
         JOIN unnest($2::uuid[], $3::int[]) AS s(id, version) ON v.article_id = s.id AND v.version = s.version
        WHERE v.tenant_id = $1`,
      [agent.tenantId, impression.articles.map((a) => a.id), impression.articles.map((a) => a.version)],
    );
    expect(versions[0]!.n).toBe(impression.articles.length);
  });

  it('shows one arm when the ticket was not sampled for a preference', async () => {
    const impression = Impression.parse((await post(agent.headers, { context: doorbellTicket, pairwise: false })).json());
    expect(impression.pairwise).toBe(false);
    expect(impression.arms.map((a) => a.slot)).toEqual(['A']);
    expect(impression.displayOrder).toEqual(['A']);
  });

  it('keeps tenants apart: another tenant neither sees the impression nor the articles', async () => {
    const impression = Impression.parse((await post(agent.headers, { context: doorbellTicket, pairwise: true })).json());
    const stranger = await tokenFor(db, 'agent');
    const res = await app.inject({ method: 'GET', url: `/v1/suggestions/${impression.id}`, headers: stranger.headers });
    expect(res.statusCode).toBe(404);
    expect(ApiError.parse(res.json()).error.code).toBe('not_found');

    // Its own knowledge base is empty: articles only would be empty, so it says so instead of failing.
    const empty = await post(stranger.headers, { context: doorbellTicket, pairwise: true });
    expect(empty.statusCode).toBe(200);
    const body = Impression.parse(empty.json());
    expect(body.articles).toEqual([]);
    expect(body.arms).toEqual([]);
    expect(body.displayOrder).toEqual([]);
    expect(body.degraded.map((d) => d.reason)).toEqual(
      expect.arrayContaining([expect.stringContaining('knowledge base is empty'), expect.stringContaining('no reply could be generated')]),
    );
  });

  it('says no article matched, not that the knowledge base is empty, when no word of the ticket is in it', async () => {
    const context = { ...doorbellTicket, subject: 'Zxqv', messages: [{ role: 'customer' as const, text: 'Qwzx vbnm.' }] };
    const impression = Impression.parse((await post(agent.headers, { context, pairwise: true })).json());
    expect(impression.articles).toEqual([]);
    expect(impression.degraded[0]).toEqual({ reason: 'no article matched this ticket' });
  });

  it('refuses bad requests with the failing paths, missing tokens and the wrong role', async () => {
    const bad = await post(agent.headers, { context: { ...doorbellTicket, platform: 'freshdesk', messages: 'hello' }, pairwise: 'yes', extra: 1 });
    expect(bad.statusCode).toBe(400);
    const error = ApiError.parse(bad.json()).error;
    expect(error.paths).toEqual(expect.arrayContaining(['context.platform', 'context.messages', 'pairwise', 'extra']));
    expect((await post({}, { context: doorbellTicket, pairwise: true })).statusCode).toBe(401);
    const operator = await tokenFor(db, 'operator', { tenant: agent.tenantId });
    expect((await post(operator.headers, { context: doorbellTicket, pairwise: true })).statusCode).toBe(403);
    const noSuch = await app.inject({ method: 'GET', url: '/v1/suggestions/not-a-uuid', headers: agent.headers });
    expect(noSuch.statusCode).toBe(404);
  });

  it('records a new article version in impressions after a re-import changes it', async () => {
    const tenant = await tokenFor(db, 'agent');
    const parsed = readSource(DEMO_KB_DIR);
    await importKnowledgeBase(db, { tenantId: tenant.tenantId, source: 'demo', origin: 'demo/kb', parsed });
    const changed = parsed.articles.map((a) =>
      a.externalId === 'cam-doorbell-power-issues' ? { ...a, body: `${a.body}\n\nNew: a Doorbell Power Adapter is sold for homes without a suitable transformer.` } : a,
    );
    await importKnowledgeBase(db, { tenantId: tenant.tenantId, source: 'demo', origin: 'demo/kb', parsed: { ...parsed, articles: changed } });
    const impression = Impression.parse((await post(tenant.headers, { context: doorbellTicket, pairwise: true })).json());
    expect(impression.versions.kb).toBe('kb-2');
    expect(impression.articles[0]).toMatchObject({ externalId: 'cam-doorbell-power-issues', version: 2 });
  });
});
