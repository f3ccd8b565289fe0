import { describe, expect, it } from 'vitest';
import { ApiError, GapResolveResponse, KnowledgeGapList } from '../../../lib/contract';
import { importKnowledgeBase } from '../../src/knowledge/import';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';
import { Flywheel } from '../helpers/flywheel';

describe.each(testDatabases())('the knowledge-gaps API on $name', (testDb) => {
  const suite = suiteApp(testDb);

  async function tenantWithGaps() {
    const fw = await Flywheel.create(suite.db);
    const impression = await fw.impression({ ticketId: 'T-1', customer: 'Do you ship to Norway?', arms: { A: 'Yes.' }, articles: [] });
    await fw.sync(fw.missing(impression, 'Shipping to Norway'), fw.missing(impression, 'Customs fees'));
    await importKnowledgeBase(suite.db, {
      tenantId: fw.tenantId,
      source: 'markdown',
      origin: 'test',
      parsed: { format: 'markdown', skipped: [], articles: [{ externalId: 'ship-no', title: 'Shipping to Norway', body: 'We ship in 3 days.', url: null, sourceUpdatedAt: null, at: 'a.md:1' }] },
    });
    return fw;
  }

  it('lists and resolves gaps for operators and admins of the tenant', async () => {
    const fw = await tenantWithGaps();
    const operator = await tokenFor(suite.db, 'operator', { tenant: fw.tenantId, name: 'kb-team' });
    const list = await suite.app.inject({ method: 'GET', url: '/v1/gaps', headers: operator.headers });
    expect(list.statusCode).toBe(200);
    expect(KnowledgeGapList.parse(list.json()).gaps.map((g) => [g.number, g.description])).toEqual([
      [1, 'Shipping to Norway'],
      [2, 'Customs fees'],
    ]);

    const resolve = () => suite.app.inject({ method: 'POST', url: '/v1/gaps/1/resolve', headers: operator.headers, payload: { externalId: 'ship-no' } });
    const first = await resolve();
    expect(first.statusCode).toBe(200);
    const body = GapResolveResponse.parse(first.json());
    expect(body).toMatchObject({ changed: true, gap: { number: 1, resolved: { externalId: 'ship-no', title: 'Shipping to Norway', by: 'kb-team' } } });
    expect(GapResolveResponse.parse((await resolve()).json()).changed).toBe(false);

    const admin = await tokenFor(suite.db, 'admin', { tenant: fw.tenantId });
    const open = await suite.app.inject({ method: 'GET', url: '/v1/gaps?open=1', headers: admin.headers });
    expect(KnowledgeGapList.parse(open.json()).gaps.map((g) => g.number)).toEqual([2]);
  });

  it('answers bad requests with what to fix, and keeps roles and tenants apart', async () => {
    const fw = await tenantWithGaps();
    const operator = await tokenFor(suite.db, 'operator', { tenant: fw.tenantId });
    const post = (url: string, payload: unknown, headers = operator.headers) => suite.app.inject({ method: 'POST', url, headers, payload: payload as object });
    const error = (res: { json(): unknown }) => ApiError.parse(res.json()).error;

    const unknownGap = await post('/v1/gaps/7/resolve', { externalId: 'ship-no' });
    expect(unknownGap.statusCode).toBe(404);
    expect(error(unknownGap).message).toMatch(/no knowledge gap 7/);
    const unknownArticle = await post('/v1/gaps/1/resolve', { externalId: 'nope' });
    expect(unknownArticle.statusCode).toBe(404);
    expect(error(unknownArticle).message).toMatch(/no article with id "nope"/);
    const noBody = await post('/v1/gaps/1/resolve', {});
    expect(noBody.statusCode).toBe(400);
    expect(error(noBody).paths).toContain('externalId');
    expect((await post('/v1/gaps/one/resolve', { externalId: 'ship-no' })).statusCode).toBe(400);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/gaps?open=maybe', headers: operator.headers })).statusCode).toBe(400);

    expect((await post('/v1/gaps/1/resolve', { externalId: 'ship-no' })).statusCode).toBe(200);
    await importKnowledgeBase(suite.db, {
      tenantId: fw.tenantId,
      source: 'other',
      origin: 'test',
      parsed: { format: 'markdown', skipped: [], articles: [{ externalId: 'customs', title: 'Customs', body: 'Duties apply.', url: null, sourceUpdatedAt: null, at: 'b.md:1' }] },
    });
    const taken = await post('/v1/gaps/1/resolve', { externalId: 'customs' });
    expect(taken.statusCode).toBe(409);
    expect(error(taken).message).toMatch(/already closed by article "ship-no"/);

    const agent = await tokenFor(suite.db, 'agent', { tenant: fw.tenantId });
    expect((await suite.app.inject({ method: 'GET', url: '/v1/gaps', headers: agent.headers })).statusCode).toBe(403);
    expect((await post('/v1/gaps/2/resolve', { externalId: 'customs' }, agent.headers)).statusCode).toBe(403);
    const stranger = await tokenFor(suite.db, 'operator');
    expect(KnowledgeGapList.parse((await suite.app.inject({ method: 'GET', url: '/v1/gaps', headers: stranger.headers })).json()).gaps).toEqual([]);
    expect((await post('/v1/gaps/2/resolve', { externalId: 'customs' }, stranger.headers)).statusCode).toBe(404);
    expect((await suite.app.inject({ method: 'GET', url: '/v1/gaps' })).statusCode).toBe(401);
  });
});
