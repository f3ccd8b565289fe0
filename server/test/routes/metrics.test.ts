import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, DEFAULT_ADOPTION_THRESHOLDS, MetricsResponse, type Annotation, type Impression } from '../../../lib/contract';
import { storeAnnotations } from '../../src/annotations/store';
import type { Auth } from '../../src/auth/tokens';
import type { Database } from '../../src/db/database';
import { wilsonInterval } from '../../src/metrics/wilson';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { insertImpression } from '../helpers/impressions';

const X = { armId: 'extractive', model: 'extractive-v1', promptVersion: 'concise-1' };
const Y = { armId: 'gpt', model: 'gpt-4o-mini', promptVersion: 'support-3' };
const WEEK1 = '2026-11-02T00:00:00.000Z'; // a Monday
const WEEK2 = '2026-11-09T00:00:00.000Z';
const at = (week: string, hours: number) => new Date(Date.parse(week) + hours * 3_600_000).toISOString();

describe.each(testDatabases())('GET /v1/metrics on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let operator: Awaited<ReturnType<typeof tokenFor>>;
  let agent: Awaited<ReturnType<typeof tokenFor>>;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    operator = await tokenFor(db, 'operator');
    agent = await tokenFor(db, 'agent', { tenant: operator.tenantId, name: 'jane' });
    const auth: Auth = { tokenId: agent.id, tenantId: agent.tenantId, role: 'agent', name: 'jane' };
    const clientId = randomUUID();

    const imps: Impression[] = [];
    for (let i = 0; i < 10; i++) {
      imps.push(await insertImpression(db, agent.tenantId, { createdAt: at(WEEK1, i), arms: [{ slot: 'A', ...X }, { slot: 'B', ...Y }], displayOrder: i % 2 ? ['B', 'A'] : ['A', 'B'], reranker: i < 5 ? 'rerank-1' : 'rerank-2' }));
    }
    const single = await insertImpression(db, agent.tenantId, { createdAt: at(WEEK2, 1), arms: [{ slot: 'A', ...X }] });
    await insertImpression(db, agent.tenantId, { createdAt: at(WEEK2, 2), arms: [{ slot: 'A', ...X }] });

    const t = (imp: Impression, minutes: number) => new Date(Date.parse(imp.createdAt) + minutes * 60_000).toISOString();
    const base = (imp: Impression, minutes: number, elapsedMs?: number) => ({ ...makeAnnotation('relevance', clientId), impressionId: imp.id, createdAt: t(imp, minutes), ...(elapsedMs === undefined ? { elapsedMs: undefined } : { elapsedMs }) });
    const adoption = (imp: Impression, minutes: number, outcome: string, slot: 'A' | 'B' | null, similarity: number | null) =>
      ({ ...base(imp, minutes), type: 'adoption', payload: { outcome, slot, similarity, thresholds: DEFAULT_ADOPTION_THRESHOLDS, sentText: 'sent' } }) as Annotation;
    const relevance = (imp: Impression, minutes: number, articleId: string, label: string) =>
      ({ ...base(imp, minutes), type: 'relevance', payload: { articleId, articleVersion: 1, rank: 1, label } }) as Annotation;
    const preference = (imp: Impression, minutes: number, verdict: string, strength: string | undefined, shownOrder: string[], elapsedMs?: number) =>
      ({ ...base(imp, minutes, elapsedMs), type: 'preference', payload: { verdict, ...(strength && { strength }), shownOrder } }) as Annotation;
    const [i1, i2, i3, i4, i5] = imps as [Impression, Impression, Impression, Impression, Impression];
    const r1 = randomUUID();
    const r2 = randomUUID();

    const annotations = [
      adoption(i1, 5, 'as_is', 'A', 1),
      adoption(i1, 9, 'heavy_edit', 'A', 0.5), // a second send: the first one counts
      adoption(i2, 5, 'light_edit', 'B', 0.9),
      adoption(i3, 5, 'heavy_edit', 'B', 0.5),
      adoption(i4, 5, 'not_used', null, null),
      adoption(i5, 5, 'heavy_edit', 'B', 0.4),
      adoption(single, 5, 'as_is', 'A', 0.99),
      relevance(i1, 1, r1, 'relevant'),
      relevance(i1, 1, r2, 'irrelevant'),
      relevance(i1, 2, r2, 'partial'), // re-labelled: the latest counts
      relevance(i2, 1, r1, 'outdated'),
      preference(i1, 1, 'A', 'strong', ['A', 'B'], 10_000),
      preference(i2, 1, 'B', 'clear', ['A', 'B'], 1_000),
      preference(i3, 1, 'tie', undefined, ['B', 'A'], 10_000),
      preference(i4, 1, 'both_bad', undefined, ['A', 'B']),
      preference(i5, 1, 'A', 'slight', ['B', 'A'], 20_000),
      // A missing-knowledge report is read with the impression's other annotations and counts in none of these figures.
      { ...makeAnnotation('missing_knowledge', clientId), impressionId: i1.id, createdAt: t(i1, 3) },
      { ...makeAnnotation('missing_knowledge', clientId), impressionId: imps[9]!.id, createdAt: t(imps[9]!, 3) },
    ];
    const results = await storeAnnotations(db, auth, clientId, annotations);
    expect(results.map((r) => r.status).filter((s) => s !== 'stored')).toEqual([]);

    // Another tenant's activity must not show up.
    const other = await tokenFor(db, 'agent');
    const otherImp = await insertImpression(db, other.tenantId, { createdAt: at(WEEK1, 3) });
    const otherClient = randomUUID();
    await storeAnnotations(db, { tokenId: other.id, tenantId: other.tenantId, role: 'agent', name: 'x' }, otherClient, [
      { ...makeAnnotation('adoption', otherClient), impressionId: otherImp.id },
    ]);
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const get = (query: string, headers = operator.headers) => app.inject({ method: 'GET', url: `/v1/metrics${query}`, headers });

  it('reports adoption, precision@8, preferences and annotation quality by week and arm', async () => {
    const res = await get(`?from=${WEEK1}&to=2026-11-16T00:00:00Z`);
    expect(res.statusCode).toBe(200);
    const { weeks, tooFastMs } = MetricsResponse.parse(res.json());
    expect(tooFastMs).toBe(3000);
    expect(weeks.map((w) => w.week)).toEqual([WEEK1, WEEK2]);
    const [w1, w2] = weeks as [MetricsResponse['weeks'][0], MetricsResponse['weeks'][0]];

    expect(w1.impressions).toBe(10);
    expect(w1.adoptionStrict).toEqual({ rate: 0.1, numerator: 1, denominator: 10 });
    expect(w1.adoptionLenient).toEqual({ rate: 0.2, numerator: 2, denominator: 10 });
    expect(w1.precisionAt8).toEqual({ rate: 2 / 3, numerator: 2, denominator: 3 });
    expect(w1.precisionAt8ByReranker).toEqual([
      { reranker: 'rerank-1', precisionAt8: { rate: 2 / 3, numerator: 2, denominator: 3 } },
    ]);
    expect(w1.bothBad).toEqual({ rate: 0.2, numerator: 1, denominator: 5 });
    expect(w1.quality.leftWins).toEqual({ rate: 1 / 3, numerator: 1, denominator: 3 });
    expect(w1.quality.tooFast).toEqual({ rate: 0.2, numerator: 1, denominator: 5 });
    expect(w1.quality.preferenceMatchesAdoption).toEqual({ rate: 2 / 3, numerator: 2, denominator: 3 });

    const [extractive, gpt] = w1.arms; // sorted by armId
    expect(extractive).toMatchObject({ ...X, shown: 10, comparisons: 4, adoptionStrict: { numerator: 1, denominator: 10 }, adoptionLenient: { numerator: 1 } });
    expect(gpt).toMatchObject({ ...Y, shown: 10, comparisons: 4, adoptionStrict: { numerator: 0 }, adoptionLenient: { numerator: 1, denominator: 10 } });
    // Weighted: extractive won strong (3) + slight (1) + half a tie, lost clear (2): 4.5 of 7.
    expect(extractive!.winRate).toBeCloseTo(4.5 / 7, 10);
    expect(gpt!.winRate).toBeCloseTo(2.5 / 7, 10);
    // Two arms: the Bradley-Terry strength is the (prior-smoothed) weighted win share.
    expect(extractive!.bradleyTerry).toBeCloseTo(4.75 / 7.5, 6);
    expect(extractive!.bradleyTerry! + gpt!.bradleyTerry!).toBeCloseTo(1, 10);
    // The win rate's 95% Wilson interval over its 4 comparisons (tests/unit/wilson-interval.test.ts).
    expect(extractive!.winRateInterval).toEqual(wilsonInterval((4.5 / 7) * 4, 4));
    expect(extractive!.winRateInterval!.low).toBeLessThan(extractive!.winRate!);

    expect(w2.impressions).toBe(2);
    expect(w2.adoptionStrict).toEqual({ rate: 0.5, numerator: 1, denominator: 2 });
    expect(w2.arms).toEqual([expect.objectContaining({ ...X, shown: 2, comparisons: 0, winRate: null, winRateInterval: null, bradleyTerry: null })]);
    expect(w2.precisionAt8.rate).toBeNull();
  });

  it('reports nothing outside the window', async () => {
    const res = await get('?from=2026-01-05T00:00:00Z&to=2026-02-01T00:00:00Z');
    expect(MetricsResponse.parse(res.json()).weeks).toEqual([]);
  });

  it('is for operators: agents get 403, bad windows 400', async () => {
    expect((await get('', agent.headers)).statusCode).toBe(403);
    const reversed = await get(`?from=${WEEK2}&to=${WEEK1}`);
    expect(reversed.statusCode).toBe(400);
    expect(ApiError.parse(reversed.json()).error.paths).toEqual(['from']);
    const bad = await get('?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(ApiError.parse(bad.json()).error.paths).toEqual(['from']);
  });
});
