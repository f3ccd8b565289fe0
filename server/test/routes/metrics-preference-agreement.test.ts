import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgreementResponse, type Annotation, type Impression } from '../../../lib/contract';
import { storeAnnotations } from '../../src/annotations/store';
import type { Database } from '../../src/db/database';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { insertImpression } from '../helpers/impressions';

const SHOWN = '2026-11-03T10:00:00.000Z';
const X = { armId: 'x', model: 'm-x', promptVersion: 'p1' };
const Y = { armId: 'y', model: 'm-y', promptVersion: 'p1' };

describe.each(testDatabases())('preference agreement in GET /v1/metrics/agreement on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let operator: Awaited<ReturnType<typeof tokenFor>>;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    operator = await tokenFor(db, 'operator');
    const jane = await tokenFor(db, 'agent', { tenant: operator.tenantId, name: 'jane' });
    const omar = await tokenFor(db, 'agent', { tenant: operator.tenantId, name: 'omar' });
    const pair = (ticketId: string, a: string, b: string, swapped = false) =>
      insertImpression(db, operator.tenantId, {
        createdAt: SHOWN,
        ticketId,
        arms: swapped ? [{ slot: 'A', ...Y, text: b }, { slot: 'B', ...X, text: a }] : [{ slot: 'A', ...X, text: a }, { slot: 'B', ...Y, text: b }],
      });
    const one = await pair('t1', 'Reply one x', 'Reply one y');
    const two = await pair('t2', 'Reply two x', 'Reply two y');
    const three = await pair('t3', 'Reply three x', 'Reply three y');
    // The same two replies shown twice, slots swapped: one item, judged by arm.
    const four = await pair('t4', 'Reply four x', 'Reply four y');
    const fourAgain = await pair('t4', 'Reply four x', 'Reply four y', true);
    const alone = await pair('t5', 'Reply five x', 'Reply five y');
    // Reply one's very texts on another ticket: another item (which reply is better depends on the ticket).
    const oneElsewhere = await pair('t9', 'Reply one x', 'Reply one y');

    const judge = async (agent: typeof jane, name: string, verdicts: [Impression, 'A' | 'B' | 'tie' | 'both_bad'][]) => {
      const clientId = randomUUID();
      const annotations = verdicts.map(
        ([imp, verdict], i) =>
          ({
            ...makeAnnotation('preference', clientId),
            ticket: imp.ticket,
            impressionId: imp.id,
            createdAt: new Date(Date.parse(SHOWN) + (i + 1) * 60_000).toISOString(),
            payload: { verdict, ...(verdict === 'A' || verdict === 'B' ? { strength: 'clear' } : {}), shownOrder: ['A', 'B'] },
          }) as Annotation,
      );
      const results = await storeAnnotations(db, { tokenId: agent.id, tenantId: agent.tenantId, role: 'agent', name }, clientId, annotations);
      expect(results.filter((r) => r.status !== 'stored')).toEqual([]);
    };
    await judge(jane, 'jane', [
      [one, 'A'],
      [two, 'A'],
      [three, 'tie'],
      [four, 'A'],
      [alone, 'both_bad'], // nobody else judged it
      [two, 'B'], // changed her mind: the latest counts
    ]);
    await judge(omar, 'omar', [
      [one, 'A'],
      [two, 'A'],
      [three, 'tie'],
      [fourAgain, 'B'], // slot B is arm x here: the same reply jane chose
      [oneElsewhere, 'B'],
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  it("reports Cohen's kappa over the reply pairs two agents judged, by winning arm", async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/metrics/agreement?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z', headers: operator.headers });
    expect(res.statusCode).toBe(200);
    const body = AgreementResponse.parse(res.json());
    // Pairs: x/x, y/x, tie/tie, x/x. p_o = 3/4; jane x:2 y:1 tie:1, omar x:3 tie:1;
    // p_e = (2·3 + 1·0 + 1·1) / 16 = 7/16; kappa = (12/16 − 7/16) / (9/16) = 5/9.
    expect(body.preference.items).toBe(4);
    expect(body.preference.observed).toBeCloseTo(0.75, 12);
    expect(body.preference.expected).toBeCloseTo(7 / 16, 12);
    expect(body.preference.kappa).toBeCloseTo(5 / 9, 12);
    expect(body.relevance.items).toBe(0);
  });

  it('is empty outside the window', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/metrics/agreement?from=2026-11-05T00:00:00Z&to=2026-11-10T00:00:00Z', headers: operator.headers });
    expect(AgreementResponse.parse(res.json()).preference).toEqual({ items: 0, observed: null, expected: null, kappa: null });
  });
});
