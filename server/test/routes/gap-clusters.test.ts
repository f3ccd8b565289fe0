import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GapClusterList } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { Flywheel } from '../helpers/flywheel';

describe.each(testDatabases())('GET /v1/gaps/clusters on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let fw: Flywheel;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    fw = await Flywheel.create(db);
    const sweden = await fw.article('Shipping to Sweden', 'Three days.');
    const fees = await fw.article('Customs fees', 'Duties apply.');
    const shipping = await fw.impression({ ticketId: 'T-1', customer: 'Do you ship to Norway?', arms: { A: 'Yes.' }, articles: [sweden, fees] });
    const other = await fw.impression({ ticketId: 'T-2', customer: 'Norway shipping?', arms: { A: 'Maybe.' }, articles: [sweden] });
    const refund = await fw.impression({ ticketId: 'T-3', customer: 'Refund please', arms: { A: 'Sure.' }, articles: [] });
    await fw.sync(
      fw.missing(shipping, 'Shipping to Norway'),
      fw.missing(refund, 'Refunds after 30 days', 'policy'),
      fw.missing(other, 'shipping to Norway'),
      fw.missing(other, 'Shipping to Norway costs'),
    );
    await importKnowledgeBase(db, {
      tenantId: fw.tenantId,
      source: 'markdown',
      origin: 'test',
      parsed: { format: 'markdown', skipped: [], articles: [{ externalId: 'refunds', title: 'Refunds', body: 'Within 60 days.', url: null, sourceUpdatedAt: null, at: 'a.md:1' }] },
    });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const get = async (query = '', role: 'operator' | 'admin' = 'operator') => {
    const token = await tokenFor(db, role, { tenant: fw.tenantId, name: 'kb-team' });
    return app.inject({ method: 'GET', url: `/v1/gaps/clusters${query}`, headers: token.headers });
  };

  it('groups near-duplicate reports, open clusters first, with count, newest evidence and shown articles', async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    const body = GapClusterList.parse(res.json());
    expect(body.similarity).toBe(0.5);
    expect(body.clusters.map((c) => c.gaps)).toEqual([[1, 3, 4], [2]]);
    const [shipping] = body.clusters;
    expect(shipping).toMatchObject({ count: 3, openGaps: [1, 3, 4], description: 'Shipping to Norway costs', categories: { how_to: 3 }, resolvedBy: [] });
    // Newest first; the fixture's clock ticks per annotation.
    expect(shipping!.evidence.map((e) => [e.number, e.ticket.ticketId])).toEqual([
      [4, 'T-2'],
      [3, 'T-2'],
      [1, 'T-1'],
    ]);
    // Sweden was shown on all three reports, the fees article on one.
    expect(shipping!.shownArticles).toEqual([
      { title: 'Shipping to Sweden', reports: 3 },
      { title: 'Customs fees', reports: 1 },
    ]);
    expect(shipping!.lastReportedAt >= shipping!.firstReportedAt).toBe(true);
  });

  it('shows the article that closed a gap, and puts closed clusters last', async () => {
    const operator = await tokenFor(db, 'operator', { tenant: fw.tenantId, name: 'kb-team' });
    const closed = await app.inject({ method: 'POST', url: '/v1/gaps/2/resolve', headers: operator.headers, payload: { externalId: 'refunds' } });
    expect(closed.statusCode).toBe(200);
    const body = GapClusterList.parse((await get('', 'admin')).json());
    expect(body.clusters.at(-1)).toMatchObject({ gaps: [2], openGaps: [], resolvedBy: [{ externalId: 'refunds', title: 'Refunds', gaps: 1 }], categories: { policy: 1 } });
  });

  it('takes a similarity threshold, checked, and keeps roles and tenants apart', async () => {
    // At 1 only identical word sets group: "Shipping to Norway" and "shipping to Norway".
    const strict = GapClusterList.parse((await get('?similarity=1')).json());
    expect(strict.clusters.map((c) => c.gaps).sort()).toEqual([[1, 3], [2], [4]].sort());
    const bad = await get('?similarity=7');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.paths).toEqual(['similarity']);
    expect((await get('?similarity=abc')).statusCode).toBe(400);
    const agent = await tokenFor(db, 'agent', { tenant: fw.tenantId });
    expect((await app.inject({ method: 'GET', url: '/v1/gaps/clusters', headers: agent.headers })).statusCode).toBe(403);
    const stranger = await tokenFor(db, 'operator');
    expect(GapClusterList.parse((await app.inject({ method: 'GET', url: '/v1/gaps/clusters', headers: stranger.headers })).json()).clusters).toEqual([]);
  });
});
