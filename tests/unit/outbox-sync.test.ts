// @vitest-environment node
import 'fake-indexeddb/auto';
import { v7 as uuidv7 } from 'uuid';
import { describe, expect, it } from 'vitest';
import type { Annotation, AnnotationCapture } from '../../lib/contract';
import { amendAdoption, captureAnnotation, CaptureError } from '../../lib/outbox/capture';
import { backoffDelay, readSyncState, syncOnce, type SyncDeps } from '../../lib/outbox/sync';
import { SyncLoop } from '../../lib/outbox/sync-loop';
import { testApp } from '../../server/test/helpers/app';
import { testDatabases } from '../../server/test/helpers/databases';
import { capture, useOutboxBackend } from './outbox-backend';

describe.each(testDatabases())('outbox and sync against the real backend on $name', (testDb) => {
  const env = useOutboxBackend(testDb);
  const deps = (over: Partial<SyncDeps> = {}): SyncDeps => ({
    db: env.db,
    target: async () => ({ backendUrl: env.backendUrl, token: env.token }),
    clientId: async () => env.clientId,
    random: () => 0.5,
    ...over,
  });
  const serverRows = async () =>
    (await env.serverDb.query<{ id: string; n: number }>('SELECT id::text AS id, count(*) OVER (PARTITION BY id)::int AS n FROM annotations WHERE tenant_id = $1', [env.tenantId])).rows;

  it('writes the annotation and its outbox entry in one transaction: neither without the other', async () => {
    const failing = capture();
    env.db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(captureAnnotation(env.db, failing, env.clientId)).rejects.toThrow('disk full');
    expect(await env.db.annotations.get(failing.id)).toBeUndefined();
    expect(await env.db.outbox.count()).toBe(0);
  });

  it('treats a re-sent capture as the same annotation and refuses the same id with other content', async () => {
    const a = capture('preference');
    await captureAnnotation(env.db, a, env.clientId);
    await captureAnnotation(env.db, a, env.clientId);
    expect(await env.db.outbox.count()).toBe(1);
    await expect(captureAnnotation(env.db, { ...a, elapsedMs: 1 } as AnnotationCapture, env.clientId)).rejects.toBeInstanceOf(CaptureError);
    await expect(captureAnnotation(env.db, { ...a, id: 'not-a-uuid' } as AnnotationCapture, env.clientId)).rejects.toThrow(/id/);
  });

  it('syncs every type; entries leave the outbox only when stored, and each lands once in the database', async () => {
    const captured = (['preference', 'adoption', 'relevance', 'missing_knowledge'] as const).map(capture);
    for (const a of captured) await captureAnnotation(env.db, a, env.clientId);
    const report = await syncOnce(deps());
    expect(report).toMatchObject({ sent: 4, acknowledged: 4, deadLettered: 0, state: { connection: 'ok', attempt: 0 } });
    expect(await env.db.outbox.count()).toBe(0);
    expect(await env.db.annotations.count()).toBe(0); // acknowledged: the server has them
    const rows = await serverRows();
    expect(rows.map((r) => r.id).sort()).toEqual(captured.map((a) => a.id).sort());
  });

  it('keeps entries whose acknowledgement was lost (server committed, response never arrived) and ends with one row each', async () => {
    for (let i = 0; i < 3; i++) await captureAnnotation(env.db, capture(), env.clientId);
    const loseResponse: typeof fetch = async (input, init) => {
      await fetch(input, init); // the server stores the rows...
      throw new TypeError('network connection lost'); // ...but the client never hears back
    };
    const lost = await syncOnce(deps({ fetch: loseResponse }));
    expect(lost.state).toMatchObject({ connection: 'offline', attempt: 1 });
    expect(await env.db.outbox.count()).toBe(3);
    const retry = await syncOnce(deps());
    expect(retry.acknowledged).toBe(3); // as duplicates
    expect(await env.db.outbox.count()).toBe(0);
    const rows = await serverRows();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('moves rejected and conflicting annotations to the dead letters, never dropping them, and syncs the rest', async () => {
    const good = capture();
    await captureAnnotation(env.db, good, env.clientId);
    // An id the server already holds with other content (e.g. a reinstall that reused an id).
    const clash = capture('missing_knowledge');
    await captureAnnotation(env.db, clash, env.clientId);
    const other = { ...clash, clientId: env.clientId, payload: { description: 'different text' } } as Annotation;
    const res = await env.app.inject({ method: 'POST', url: '/v1/sync', headers: { authorization: `Bearer ${env.token}` }, payload: { clientId: env.clientId, annotations: [other] } });
    expect(res.json().results[0].status).toBe('stored');
    // One the server refuses (written by an older client with a field the contract dropped).
    const bad = { ...capture(), id: uuidv7() };
    await env.db.transaction('rw', env.db.annotations, env.db.outbox, async () => {
      await env.db.annotations.add({ id: bad.id, annotation: { ...bad, clientId: env.clientId, payload: { ...(bad.payload as object), extra: 1 } } as unknown as Annotation, capturedAt: Date.now() });
      await env.db.outbox.add({ id: bad.id, queuedAt: Date.now(), notBefore: 0 });
    });
    const report = await syncOnce(deps());
    expect(report).toMatchObject({ acknowledged: 1, deadLettered: 2 });
    expect(await env.db.outbox.count()).toBe(0);
    const dead = await env.db.deadLetters.toArray();
    expect(dead.map((d) => [d.id, d.status]).sort()).toEqual([[bad.id, 'rejected'], [clash.id, 'conflict']].sort());
    expect(dead.find((d) => d.id === bad.id)!.paths).toContain('payload.extra');
  });

  it('backs off with jitter while the backend is down, then drains when it returns', async () => {
    for (let i = 0; i < 2; i++) await captureAnnotation(env.db, capture(), env.clientId);
    let now = 1_000_000;
    const down = deps({ target: async () => ({ backendUrl: 'http://127.0.0.1:9', token: env.token }), now: () => now });
    const first = await syncOnce(down);
    expect(first.state).toMatchObject({ connection: 'offline', attempt: 1, nextAttemptAt: now + backoffDelay(1, () => 0.5, { baseMs: 2000, maxMs: 300_000 }) });
    const second = await syncOnce(down);
    expect(second.state.attempt).toBe(2);
    expect(second.state.nextAttemptAt! - now).toBeGreaterThan(first.state.nextAttemptAt! - now);
    expect(await env.db.outbox.count()).toBe(2);
    now = Date.now();
    const back = await syncOnce(deps());
    expect(back.state).toMatchObject({ connection: 'ok', attempt: 0, nextAttemptAt: null });
    expect(await serverRows()).toHaveLength(2);
  });

  it('honours 429 Retry-After', async () => {
    const limited = await testApp(env.serverDb, { rateLimitPerMinute: 1 });
    const url = await limited.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await captureAnnotation(env.db, capture(), env.clientId);
      expect((await syncOnce(deps({ target: async () => ({ backendUrl: url, token: env.token }) }))).acknowledged).toBe(1);
      await captureAnnotation(env.db, capture(), env.clientId);
      const before = Date.now();
      const report = await syncOnce(deps({ target: async () => ({ backendUrl: url, token: env.token }) }));
      expect(report.state.connection).toBe('error');
      expect(report.state.lastError).toMatch(/rate limit/);
      // Retry-After is about a minute here, far beyond the 2 s first backoff step.
      expect(report.state.nextAttemptAt! - before).toBeGreaterThan(10_000);
      expect(await env.db.outbox.count()).toBe(1);
    } finally {
      await limited.app.close();
    }
  });

  it('says the token was refused and keeps everything', async () => {
    await captureAnnotation(env.db, capture(), env.clientId);
    const report = await syncOnce(deps({ target: async () => ({ backendUrl: env.backendUrl, token: 'aitl_agent_wrong' }) }));
    expect(report.state.connection).toBe('unauthorized');
    expect(report.state.lastError).toMatch(/token/);
    expect(await env.db.outbox.count()).toBe(1);
  });

  it('drains in batches of at most 500', async () => {
    const requests: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      requests.push(JSON.parse(String(init!.body)).annotations.length);
      return fetch(input, init);
    };
    const rows = Array.from({ length: 1_100 }, () => capture());
    await env.db.transaction('rw', env.db.annotations, env.db.outbox, async () => {
      for (const a of rows) {
        await env.db.annotations.add({ id: a.id, annotation: { ...a, clientId: env.clientId } as Annotation, capturedAt: Date.now() });
        await env.db.outbox.add({ id: a.id, queuedAt: Date.now(), notBefore: 0 });
      }
    });
    const report = await syncOnce(deps({ fetch: counting }));
    expect(report.acknowledged).toBe(1_100);
    expect(requests).toEqual([500, 500, 100]);
    expect(await serverRows()).toHaveLength(1_100);
  });

  it('holds an adoption for its rationale, then sends it with the rationale once amended', async () => {
    const adoption = capture('adoption');
    await captureAnnotation(env.db, adoption, env.clientId, { holdMs: 120_000 });
    expect((await syncOnce(deps())).sent).toBe(0);
    await amendAdoption(env.db, adoption.id, { rationaleTags: ['incomplete'], rationaleText: 'missed the renewal' });
    expect((await syncOnce(deps())).acknowledged).toBe(1);
    const { rows } = await env.serverDb.query<{ body: Annotation }>('SELECT body FROM annotations WHERE tenant_id = $1 AND id = $2', [env.tenantId, adoption.id]);
    expect(rows[0]!.body.payload).toMatchObject({ rationaleTags: ['incomplete'], rationaleText: 'missed the renewal' });
    await expect(amendAdoption(env.db, adoption.id, { rationaleTags: ['other'] })).rejects.toThrow(/already sent/);
  });

  it('runs one sync at a time: concurrent requests never push the same entry twice', async () => {
    for (let i = 0; i < 5; i++) await captureAnnotation(env.db, capture(), env.clientId);
    const pushed: string[] = [];
    const recording: typeof fetch = async (input, init) => {
      pushed.push(...JSON.parse(String(init!.body)).annotations.map((a: Annotation) => a.id));
      return fetch(input, init);
    };
    const loop = new SyncLoop(deps({ fetch: recording }));
    await Promise.all([loop.request('manual'), loop.request('manual'), loop.request('captured')]);
    loop.dispose();
    expect(pushed).toHaveLength(5);
    expect(new Set(pushed).size).toBe(5);
    expect((await readSyncState(env.db)).connection).toBe('ok');
  });
});
