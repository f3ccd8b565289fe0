import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementResponse, type Annotation, type Impression } from '../../../lib/contract';
import { storeAnnotations } from '../../src/annotations/store';
import type { Database } from '../../src/db/database';
import { agentPseudonym } from '../../src/metrics/agreement';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { insertImpression } from '../helpers/impressions';

const SHOWN = '2026-11-03T10:00:00.000Z';

describe.each(testDatabases())('GET /v1/metrics/agreement on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let operator: Awaited<ReturnType<typeof tokenFor>>;
  let jane: Awaited<ReturnType<typeof tokenFor>>;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    operator = await tokenFor(db, 'operator');
    jane = await tokenFor(db, 'agent', { tenant: operator.tenantId, name: 'jane' });
    const omar = await tokenFor(db, 'agent', { tenant: operator.tenantId, name: 'omar' });

    /** One agent's relevance labels: [ticket, article index, label], each a minute after the last. */
    const label = async (agent: typeof jane, name: string, labels: [string, 0 | 1, string][]) => {
      const clientId = randomUUID();
      const impressions = new Map<string, Impression>();
      const annotations: Annotation[] = [];
      for (const [i, [ticketId, article, value]] of labels.entries()) {
        if (!impressions.has(ticketId)) impressions.set(ticketId, await insertImpression(db, agent.tenantId, { createdAt: SHOWN, ticketId, agent: name }));
        const imp = impressions.get(ticketId)!;
        const a = imp.articles[article]!;
        annotations.push({
          ...makeAnnotation('relevance', clientId),
          ticket: imp.ticket,
          impressionId: imp.id,
          createdAt: new Date(Date.parse(SHOWN) + (i + 1) * 60_000).toISOString(),
          payload: { articleId: a.id, articleVersion: a.version, rank: a.rank, label: value },
        } as Annotation);
      }
      const results = await storeAnnotations(db, { tokenId: agent.id, tenantId: agent.tenantId, role: 'agent', name }, clientId, annotations);
      expect(results.filter((r) => r.status !== 'stored')).toEqual([]);
    };
    await label(jane, 'jane', [
      ['t1', 0, 'relevant'],
      ['t1', 1, 'irrelevant'],
      ['t2', 0, 'relevant'],
      ['t2', 1, 'irrelevant'],
      ['t3', 0, 'relevant'], // nobody else judged it: not an agreement item
      ['t2', 0, 'partial'], // re-labelled: the latest counts
    ]);
    await label(omar, 'omar', [
      ['t1', 0, 'relevant'],
      ['t1', 1, 'relevant'],
      ['t2', 0, 'partial'],
      ['t2', 1, 'irrelevant'],
    ]);
    // Another tenant's agent on the same ticket and article must not pair with ours.
    const stranger = await tokenFor(db, 'agent', { name: 'jane' });
    await label(stranger, 'jane', [['t3', 0, 'irrelevant']]);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const get = (headers = operator.headers) =>
    app.inject({ method: 'GET', url: '/v1/metrics/agreement?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z', headers });

  it("reports Cohen's kappa over the items two agents labelled, each agent's latest label counting", async () => {
    const res = await get();
    expect(res.statusCode).toBe(200);
    const body = AgreementResponse.parse(res.json());
    // Pairs: relevant/relevant, irrelevant/relevant, partial/partial, irrelevant/irrelevant.
    // p_o = 3/4; p_e = (1·2 + 2·1 + 1·1) / 16 = 5/16; kappa = (12/16 − 5/16) / (11/16) = 7/11.
    expect(body.relevance.items).toBe(4);
    expect(body.relevance.observed).toBeCloseTo(0.75, 12);
    expect(body.relevance.expected).toBeCloseTo(5 / 16, 12);
    expect(body.relevance.kappa).toBeCloseTo(7 / 11, 12);
  });

  it('counts annotations per agent under pseudonyms, busiest first', async () => {
    const body = AgreementResponse.parse((await get()).json());
    expect(body.agents).toEqual([
      { agent: agentPseudonym(operator.tenantId, 'jane'), preference: 0, adoption: 0, relevance: 6, missingKnowledge: 0 },
      { agent: agentPseudonym(operator.tenantId, 'omar'), preference: 0, adoption: 0, relevance: 4, missingKnowledge: 0 },
    ]);
    expect(JSON.stringify(body)).not.toMatch(/jane|omar/);
  });

  it('is for operators and admins only, and checks its window', async () => {
    expect((await get(jane.headers)).statusCode).toBe(403);
    const bad = await app.inject({ method: 'GET', url: '/v1/metrics/agreement?from=2026-11-10T00:00:00Z&to=2026-11-01T00:00:00Z', headers: operator.headers });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.paths).toEqual(['from']);
  });
});
