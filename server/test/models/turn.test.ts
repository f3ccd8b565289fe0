import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { Impression } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { Reranker, readRerankerWeights } from '../../src/knowledge/reranker';
import { ModelServing } from '../../src/models/serving';
import { insertModelVersion, promote } from '../../src/models/store';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { jargonKnowledgeBase, jargonTickets } from '../helpers/jargon-kb';
import { articleUrls, injectClient, simulateAgents } from '../helpers/simulated-agents';

describe.each(testDatabases())('a turn of the flywheel ($name)', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let agent: Awaited<ReturnType<typeof tokenFor>>;
  let operator: Awaited<ReturnType<typeof tokenFor>>;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    agent = await tokenFor(db, 'agent');
    operator = await tokenFor(db, 'operator', { tenant: agent.tenantId });
    await importKnowledgeBase(db, { tenantId: agent.tenantId, source: 'jargon', origin: 'test', parsed: jargonKnowledgeBase() });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const topOf = async (ticket: ReturnType<typeof jargonTickets>[number]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/suggestions',
      headers: agent.headers,
      payload: { context: { platform: 'zendesk', ticketId: `new-${ticket.ticketId}`, subject: ticket.subject, messages: ticket.messages }, pairwise: false },
    });
    expect(res.statusCode, res.body).toBe(200);
    return Impression.parse(res.json());
  };
  const poll = async (n: number) => {
    for (let i = 0; i < 600; i++) {
      const res = await app.inject({ method: 'GET', url: `/v1/models/turns/${n}`, headers: operator.headers });
      const body = res.json();
      if (body.status !== 'running') return body;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('turn did not finish');
  };

  it('learns customer wording from annotations synced through /v1/sync, promotes through the gate, and serves a changed ranking', async () => {
    const heldOut = jargonTickets(3, 50);
    const probe = heldOut.find((t) => t.relevant[0] === 'kb-5-0')!;
    const before = await topOf(probe);
    expect(before.versions.retriever).toBe('bm25f-1');
    expect(before.articles[0]?.externalId).not.toBe('kb-5-0');

    // Agents link the right article when it was not shown; everything arrives through /v1/sync.
    await simulateAgents(injectClient(app, agent.headers), await articleUrls(db, agent.tenantId), jargonTickets(6, 0), { noise: 0, linkShare: 1, seed: 1 });
    const started = await app.inject({ method: 'POST', url: '/v1/models/retrain', headers: operator.headers, payload: { tickets: heldOut, minEvalTickets: 10 } });
    expect(started.statusCode, started.body).toBe(202);
    expect(started.headers.location).toBe(`/v1/models/turns/${started.json().turn}`);
    const done = await poll(started.json().turn);
    expect(done.status, JSON.stringify(done)).toBe('done');
    expect(done.result.promoted, done.result.reason).toBe(true);
    expect(done.result.signals.link).toBeGreaterThan(0);
    expect(done.result.candidate['precision@8']).toBeGreaterThan(done.result.current['precision@8']);

    const after = await topOf(probe);
    expect(after.versions.retriever).toBe(`bm25f-1.t${started.json().turn}`);
    expect(after.versions.reranker).toBe(`rerank-lr.t${started.json().turn}`);
    expect(after.articles[0]?.externalId).toBe('kb-5-0');

    // The history shows which turn promoted both models.
    const models = await app.inject({ method: 'GET', url: '/v1/models', headers: operator.headers });
    expect(models.json().serving.retriever).toBe(after.versions.retriever);
    expect(models.json().promotions.map((p: { actor: string }) => p.actor)).toEqual([expect.stringContaining('turn'), expect.stringContaining('turn')]);

    // Rolling back serves the shipped models again.
    const back = await app.inject({ method: 'POST', url: '/v1/models/rollback', headers: operator.headers, payload: {} });
    expect(back.statusCode, back.body).toBe(200);
    expect((await topOf(probe)).versions.retriever).toBe('bm25f-1');
  }, 240_000);

  it('refuses a turn with too little feedback, and agents cannot start one', async () => {
    const other = await tokenFor(db, 'operator');
    const res = await app.inject({ method: 'POST', url: '/v1/models/retrain', headers: other.headers, payload: {} });
    expect(res.statusCode).toBe(202);
    const done = await (async () => {
      for (let i = 0; i < 300; i++) {
        const r = (await app.inject({ method: 'GET', url: `/v1/models/turns/${res.json().turn}`, headers: other.headers })).json();
        if (r.status !== 'running') return r;
        await new Promise((x) => setTimeout(x, 50));
      }
    })();
    expect(done.result).toMatchObject({ promoted: false, reason: expect.stringContaining('too little feedback') });
    expect((await app.inject({ method: 'POST', url: '/v1/models/retrain', headers: agent.headers, payload: {} })).statusCode).toBe(403);
  });

  it('keeps versions immutable and shows a promotion on another replica within seconds', async () => {
    const { tenantId } = await tokenFor(db, 'operator');
    const weights = { ...readRerankerWeights(), version: 'rerank-lr.hand1' };
    await insertModelVersion(db, tenantId, { version: weights.version, kind: 'reranker', turn: null, artefact: weights, trainedOn: {} });
    await expect(db.query(`UPDATE model_versions SET artefact = '{}' WHERE tenant_id = $1`, [tenantId])).rejects.toThrow(/immutable/);
    await expect(db.query(`DELETE FROM model_versions WHERE tenant_id = $1`, [tenantId])).rejects.toThrow(/immutable/);

    const replica = new ModelServing(new Reranker(readRerankerWeights()), 300);
    expect((await replica.forTenant(db, tenantId)).reranker.version).toBe(readRerankerWeights().version);
    await promote(db, tenantId, weights.version, { actor: 'test', reason: 'test' });
    await new Promise((r) => setTimeout(r, 350));
    expect((await replica.forTenant(db, tenantId)).reranker.version).toBe('rerank-lr.hand1');
  });
});
