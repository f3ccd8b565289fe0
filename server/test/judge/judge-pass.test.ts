import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricsResponse } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { JudgeBusyError, startJudgeRun } from '../../src/judge/judge-lease';
import { runJudgePass, type JudgeRunSummary } from '../../src/judge/run-judge';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { ARM_A, ARM_B, FAST_RETRY, judgeConfig, prefer, seedImpression, startFakeJudge, ticketIds } from './judge-fixtures';

describe.each(testDatabases())('a judge pass on $name, against a fake judge server', (testDb) => {
  let db: Database;
  let judge: Awaited<ReturnType<typeof startFakeJudge>>;
  let tenantId: string;
  let operatorHeaders: Record<string, string>;
  let first: JudgeRunSummary;

  // Agent verdicts on ten eval-slice impressions, and the judge's scores of A and B: the judge
  // orders nine as the agent did (it gets the sixth wrong).
  const AGENT = ['A', 'A', 'A', 'A', 'A', 'B', 'B', 'B', 'B', 'B'] as const;
  const SCORES: [number, number][] = [[5, 2], [4, 3], [4, 1], [5, 4], [3, 2], [4, 2], [2, 4], [1, 3], [3, 5], [2, 3]];
  // Replies the judge misbehaves on, in pairs (A, B) on impressions without agent verdicts.
  const MISBEHAVING: [string, string][] = [
    ['[prose]', '[range]'],
    ['[half]', '[no reason]'],
    ['[http 400]', '[fenced]'],
    ['[flaky 500]', '[rate limited]'],
    ['[down]', '[slow]'],
    ['[garbage]', '[score 4]'],
  ];

  beforeAll(async () => {
    db = await testDb.open();
    judge = await startFakeJudge();
    const operator = await tokenFor(db, 'operator');
    tenantId = operator.tenantId;
    operatorHeaders = operator.headers;
    const inSlice = ticketIds(AGENT.length + MISBEHAVING.length, true);
    for (let i = 0; i < AGENT.length; i++) {
      const [a, b] = SCORES[i]!;
      const imp = await seedImpression(db, tenantId, inSlice[i]!, `agreement ${i} [score ${a}]`, `agreement ${i} [score ${b}]`);
      await prefer(db, tenantId, imp, AGENT[i]!);
    }
    for (let i = 0; i < MISBEHAVING.length; i++) {
      const [a, b] = MISBEHAVING[i]!;
      await seedImpression(db, tenantId, inSlice[AGENT.length + i]!, `odd ${i} ${a}`, `odd ${i} ${b}`);
    }
    // Tickets outside the eval slice train the models; the judge must never be asked about them.
    for (const id of ticketIds(3, false)) await seedImpression(db, tenantId, id, 'outside [score 1] OUTSIDE', 'outside [score 1] OUTSIDE');
    first = (await runJudgePass(db, tenantId, judgeConfig(judge.url), { requestedBy: 'test', retry: FAST_RETRY }))!;
  }, 60_000);

  afterAll(async () => {
    await judge?.close();
    await db?.close();
    await testDb.cleanup();
  });

  it('asks only about eval-slice replies, with the rubric and the key, and stores a score or a failure for each', async () => {
    expect(judge.requests.some((r) => JSON.stringify(r.body).includes('OUTSIDE'))).toBe(false);
    const req = judge.requests[0]!;
    expect(req.headers.authorization).toBe('Bearer sk-test-judge');
    const body = req.body as { model: string; messages: { role: string; content: string }[]; temperature: number };
    expect(body.model).toBe('judge-model-1');
    expect(body.temperature).toBe(0);
    expect(body.messages[0]!.content).toContain('AITL helpfulness rubric, version v1');
    expect(body.messages[1]!.content).toContain('Refund for annual plan');

    expect(first.asked).toBe(32);
    // 20 agreement replies + fenced, flaky-then-ok, rate-limited-then-ok, one plain score.
    expect(first.scored).toBe(24);
    expect(first.failed).toBe(8);
    const reasons = first.failures.map((f) => f.reason).join('\n');
    expect(reasons).toMatch(/did not answer JSON: "I would rate this reply/);
    expect(reasons).toMatch(/score: must be 1 to 5/);
    expect(reasons).toMatch(/score: must be there, as a whole number/);
    expect(reasons).toMatch(/reason: must be there, as text/);
    expect(reasons).toMatch(/answered HTTP 400: .*model not found/);
    expect(reasons).toMatch(/answered HTTP 503/);
    expect(reasons).toMatch(/did not answer within 2000 ms/);
    expect(reasons).toMatch(/answered with something that is not JSON/);

    const { rows } = await db.query<{ failure: string | null; score: number | null; attempts: number }>(
      `SELECT failure, score, attempts FROM judge_scores WHERE tenant_id = $1 ORDER BY failure NULLS FIRST`,
      [tenantId],
    );
    expect(rows).toHaveLength(32);
    expect(rows.filter((r) => r.score !== null && r.failure === null)).toHaveLength(24);
    expect(rows.every((r) => (r.score === null) !== (r.failure === null))).toBe(true);
    expect(rows.find((r) => r.failure?.includes('HTTP 503'))!.attempts).toBe(4); // retried three times
    expect(rows.find((r) => r.failure?.includes('HTTP 400'))!.attempts).toBe(1); // not retried
    expect(judge.calls('[flaky 500]')).toBe(2);
    expect(judge.calls('[rate limited]')).toBe(2);
    expect(judge.calls('[prose]')).toBe(1);
  });

  it('reports mean, n and interval per arm and model version, and the agreement with agents', () => {
    const h = first.helpfulness;
    if (h.status !== 'scored') throw new Error(h.status);
    expect(h.judge).toEqual({ model: 'judge-model-1', rubricVersion: 'v1' });
    const a = h.arms.find((x) => x.armId === ARM_A.armId)!;
    const b = h.arms.find((x) => x.armId === ARM_B.armId)!;
    // A: the ten agreement scores, flaky (5); B: the ten, fenced (4), rate limited (3), plain (4).
    const aScores = [...SCORES.map(([x]) => x), 5];
    const bScores = [...SCORES.map(([, y]) => y), 4, 3, 4];
    expect(a).toMatchObject({ ...ARM_A, n: aScores.length });
    expect(b).toMatchObject({ ...ARM_B, n: bScores.length });
    expect(a.mean).toBeCloseTo(aScores.reduce((s, x) => s + x, 0) / aScores.length, 10);
    expect(b.mean).toBeCloseTo(bScores.reduce((s, x) => s + x, 0) / bScores.length, 10);
    expect(a.interval!.low).toBeLessThan(a.mean);
    expect(a.interval!.high).toBeGreaterThan(a.mean);
    expect(a.scores).toEqual([1, 2, 2, 3, 3]);
    expect(h.failures).toBe(8);
    expect(h.agreement).toMatchObject({ pairs: 10, same: 9, judgeTies: 0, share: 0.9, verdict: 'agrees' });
    expect(h.agreement.kappa.kappa).toBeCloseTo(0.8, 10); // observed 0.9, chance 0.5·0.6 + 0.5·0.4 = 0.5
  });

  it('asks the next pass only about what has no score yet, within --sample', async () => {
    const before = judge.requests.length;
    const second = (await runJudgePass(db, tenantId, judgeConfig(judge.url), { requestedBy: 'test', retry: FAST_RETRY, sample: 3 }))!;
    expect(second.run).toBe(first.run + 1);
    expect(second.asked).toBe(3);
    expect(second.alreadyScored).toBe(24);
    expect(second.left).toBe(8 - 3);
    expect(judge.requests.length - before).toBeGreaterThanOrEqual(3);
    const asked = judge.requests.slice(before).map((r) => JSON.stringify(r.body));
    expect(asked.some((r) => r.includes('agreement'))).toBe(false);
  });

  it('runs one pass per tenant at a time, across replicas', async () => {
    const held = await startJudgeRun(db, tenantId, 'replica-1', judgeConfig(judge.url), 10);
    await expect(runJudgePass(db, tenantId, judgeConfig(judge.url), { requestedBy: 'replica-2' })).rejects.toThrow(JudgeBusyError);
    await expect(runJudgePass(db, tenantId, judgeConfig(judge.url), { requestedBy: 'replica-2' })).rejects.toThrow(/judge pass \d+ of tenant .* is running \(started by replica-1\)/);
    // The holder dies: once its lease runs out, the next pass marks it failed and goes ahead.
    await db.query(`UPDATE judge_runs SET lease_until = now() - interval '1 second' WHERE tenant_id = $1 AND number = $2`, [tenantId, held]);
    const next = await runJudgePass(db, tenantId, judgeConfig(judge.url), { requestedBy: 'replica-2', retry: FAST_RETRY, sample: 1 });
    expect(next!.run).toBe(held! + 1);
    const { rows } = await db.query<{ status: string; error: string }>(`SELECT status, error FROM judge_runs WHERE tenant_id = $1 AND number = $2`, [tenantId, held]);
    expect(rows[0]).toEqual({ status: 'failed', error: 'the replica running this pass stopped before it finished' });
  });

  it('GET /v1/metrics carries helpfulness for the configured judge, and says so when there is none', async () => {
    const get = async (app: FastifyInstance) => {
      const res = await app.inject({ method: 'GET', url: '/v1/metrics', headers: operatorHeaders });
      expect(res.statusCode, res.body).toBe(200);
      return MetricsResponse.parse(res.json());
    };
    const withJudge = await testApp(db, { judge: { model: 'judge-model-1', rubricVersion: 'v1' } });
    const scored = (await get(withJudge.app)).helpfulness;
    await withJudge.app.close();
    if (scored.status !== 'scored') throw new Error(scored.status);
    expect(scored.arms.map((a) => [a.armId, a.n])).toEqual([
      ['gpt', 13],
      ['lead', 11],
    ]);
    expect(scored.agreement.pairs).toBe(10);
    expect(scored.lastRunAt).toMatch(/^\d{4}-\d\d-\d\dT/);

    // Another judge model's scores are not this judge's: nothing scored yet, and no number made up.
    const otherJudge = await testApp(db, { judge: { model: 'another-judge', rubricVersion: 'v1' } });
    const other = (await get(otherJudge.app)).helpfulness;
    await otherJudge.app.close();
    expect(other).toMatchObject({ status: 'scored', arms: [], failures: 0, lastRunAt: null, agreement: { pairs: 0, verdict: 'too few pairs' } });

    const noJudge = await testApp(db);
    const none = (await get(noJudge.app)).helpfulness;
    await noJudge.app.close();
    expect(none).toEqual({ status: 'no judge configured' });
  });
});
