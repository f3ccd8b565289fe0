// @vitest-environment node
import 'fake-indexeddb/auto';
import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Annotation, AnnotationCapture } from '../../lib/contract';
import { amendAdoption, captureAnnotation, CaptureError } from '../../lib/outbox/capture';
import { OverlayDb } from '../../lib/outbox/db';
import { backoffDelay, readSyncState, syncOnce, type SyncDeps } from '../../lib/outbox/sync';
import { SyncLoop } from '../../lib/outbox/sync-loop';
import type { Database } from '../../server/src/db/database';
import { makeAnnotation } from '../../server/test/helpers/annotations';
import { testApp, tokenFor } from '../../server/test/helpers/app';
import { testDatabases } from '../../server/test/helpers/databases';

/** A captured annotation as the content script sends it (the background adds the clientId). */
function capture(type: Annotation['type'] = 'relevance'): AnnotationCapture {
  const { clientId: _omit, ...rest } = makeAnnotation(type, crypto.randomUUID(), { id: uuidv7() } as Partial<Annotation>);
  return rest as AnnotationCapture;
}

describe.each(testDatabases())('outbox and sync against the real backend on $name', (testDb) => {
  let serverDb: Database;
  let app: FastifyInstance;
  let backendUrl: string;
  let db: OverlayDb;
  let token: string;
  let tenantId: string;
  const clientId = crypto.randomUUID();

  beforeAll(async () => {
    serverDb = await testDb.open();
    ({ app } = await testApp(serverDb));
    backendUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await serverDb?.close();
    await testDb.cleanup();
  });
  beforeEach(async () => {
    db = new OverlayDb(`aitl-test-${crypto.randomUUID()}`);
    ({ token, tenantId } = await tokenFor(serverDb, 'agent'));
  });
  afterEach(async () => {
    db.close();
    await db.delete();
  });

  const deps = (over: Partial<SyncDeps> = {}): SyncDeps => ({
    db,
    target: async () => ({ backendUrl, token }),
    clientId: async () => clientId,
    random: () => 0.5,
    ...over,
  });
  const serverRows = async () =>
    (await serverDb.query<{ id: string; n: number }>('SELECT id::text AS id, count(*) OVER (PARTITION BY id)::int AS n FROM annotations WHERE tenant_id = $1', [tenantId])).rows;

  it('writes the annotation and its outbox entry in one transaction: neither without the other', async () => {
    const failing = capture();
    db.outbox.hook('creating', () => {
      throw new Error('disk full');
    });
    await expect(captureAnnotation(db, failing, clientId)).rejects.toThrow('disk full');
    expect(await db.annotations.get(failing.id)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('treats a re-sent capture as the same annotation and refuses the same id with other content', async () => {
    const a = capture('preference');
    await captureAnnotation(db, a, clientId);
    await captureAnnotation(db, a, clientId);
    expect(await db.outbox.count()).toBe(1);
    await expect(captureAnnotation(db, { ...a, elapsedMs: 1 } as AnnotationCapture, clientId)).rejects.toBeInstanceOf(CaptureError);
    await expect(captureAnnotation(db, { ...a, id: 'not-a-uuid' } as AnnotationCapture, clientId)).rejects.toThrow(/id/);
  });

  it('syncs every type; entries leave the outbox only when stored, and each lands once in the database', async () => {
    const captured = (['preference', 'adoption', 'relevance', 'missing_knowledge'] as const).map(capture);
    for (const a of captured) await captureAnnotation(db, a, clientId);
    const report = await syncOnce(deps());
    expect(report).toMatchObject({ sent: 4, acknowledged: 4, deadLettered: 0, state: { connection: 'ok', attempt: 0 } });
    expect(await db.outbox.count()).toBe(0);
    expect(await db.annotations.count()).toBe(0); // acknowledged: the server has them
    const rows = await serverRows();
    expect(rows.map((r) => r.id).sort()).toEqual(captured.map((a) => a.id).sort());
  });

  it('keeps entries whose acknowledgement was lost (server committed, response never arrived) and ends with one row each', async () => {
    for (let i = 0; i < 3; i++) await captureAnnotation(db, capture(), clientId);
    const loseResponse: typeof fetch = async (input, init) => {
      await fetch(input, init); // the server stores the rows...
      throw new TypeError('network connection lost'); // ...but the client never hears back
    };
    const lost = await syncOnce(deps({ fetch: loseResponse }));
    expect(lost.state).toMatchObject({ connection: 'offline', attempt: 1 });
    expect(await db.outbox.count()).toBe(3);
    const retry = await syncOnce(deps());
    expect(retry.acknowledged).toBe(3); // as duplicates
    expect(await db.outbox.count()).toBe(0);
    const rows = await serverRows();
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  });

  it('moves rejected and conflicting annotations to the dead letters, never dropping them, and syncs the rest', async () => {
    const good = capture();
    await captureAnnotation(db, good, clientId);
    // An id the server already holds with other content (e.g. a reinstall that reused an id).
    const clash = capture('missing_knowledge');
    await captureAnnotation(db, clash, clientId);
    const other = { ...clash, clientId, payload: { description: 'different text' } } as Annotation;
    const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: { authorization: `Bearer ${token}` }, payload: { clientId, annotations: [other] } });
    expect(res.json().results[0].status).toBe('stored');
    // One the server refuses (written by an older client with a field the contract dropped).
    const bad = { ...capture(), id: uuidv7() };
    await db.transaction('rw', db.annotations, db.outbox, async () => {
      await db.annotations.add({ id: bad.id, annotation: { ...bad, clientId, payload: { ...(bad.payload as object), extra: 1 } } as unknown as Annotation, capturedAt: Date.now() });
      await db.outbox.add({ id: bad.id, queuedAt: Date.now(), notBefore: 0 });
    });
    const report = await syncOnce(deps());
    expect(report).toMatchObject({ acknowledged: 1, deadLettered: 2 });
    expect(await db.outbox.count()).toBe(0);
    const dead = await db.deadLetters.toArray();
    expect(dead.map((d) => [d.id, d.status]).sort()).toEqual([[bad.id, 'rejected'], [clash.id, 'conflict']].sort());
    expect(dead.find((d) => d.id === bad.id)!.paths).toContain('payload.extra');
  });

  it('backs off with jitter while the backend is down, then drains when it returns', async () => {
    for (let i = 0; i < 2; i++) await captureAnnotation(db, capture(), clientId);
    let now = 1_000_000;
    const down = deps({ target: async () => ({ backendUrl: 'http://127.0.0.1:9', token }), now: () => now });
    const first = await syncOnce(down);
    expect(first.state).toMatchObject({ connection: 'offline', attempt: 1, nextAttemptAt: now + backoffDelay(1, () => 0.5, { baseMs: 2000, maxMs: 300_000 }) });
    const second = await syncOnce(down);
    expect(second.state.attempt).toBe(2);
    expect(second.state.nextAttemptAt! - now).toBeGreaterThan(first.state.nextAttemptAt! - now);
    expect(await db.outbox.count()).toBe(2);
    now = Date.now();
    const back = await syncOnce(deps());
    expect(back.state).toMatchObject({ connection: 'ok', attempt: 0, nextAttemptAt: null });
    expect(await serverRows()).toHaveLength(2);
  });

  it('honours 429 Retry-After', async () => {
    const limited = await testApp(serverDb, { rateLimitPerMinute: 1 });
    const url = await limited.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      await captureAnnotation(db, capture(), clientId);
      expect((await syncOnce(deps({ target: async () => ({ backendUrl: url, token }) }))).acknowledged).toBe(1);
      await captureAnnotation(db, capture(), clientId);
      const before = Date.now();
      const report = await syncOnce(deps({ target: async () => ({ backendUrl: url, token }) }));
      expect(report.state.connection).toBe('error');
      expect(report.state.lastError).toMatch(/rate limit/);
      // Retry-After is about a minute here, far beyond the 2 s first backoff step.
      expect(report.state.nextAttemptAt! - before).toBeGreaterThan(10_000);
      expect(await db.outbox.count()).toBe(1);
    } finally {
      await limited.app.close();
    }
  });

  it('says the token was refused and keeps everything', async () => {
    await captureAnnotation(db, capture(), clientId);
    const report = await syncOnce(deps({ target: async () => ({ backendUrl, token: 'aitl_agent_wrong' }) }));
    expect(report.state.connection).toBe('unauthorized');
    expect(report.state.lastError).toMatch(/token/);
    expect(await db.outbox.count()).toBe(1);
  });

  it('drains in batches of at most 500', async () => {
    const requests: number[] = [];
    const counting: typeof fetch = async (input, init) => {
      requests.push(JSON.parse(String(init!.body)).annotations.length);
      return fetch(input, init);
    };
    const rows = Array.from({ length: 1_100 }, () => capture());
    await db.transaction('rw', db.annotations, db.outbox, async () => {
      for (const a of rows) {
        await db.annotations.add({ id: a.id, annotation: { ...a, clientId } as Annotation, capturedAt: Date.now() });
        await db.outbox.add({ id: a.id, queuedAt: Date.now(), notBefore: 0 });
      }
    });
    const report = await syncOnce(deps({ fetch: counting }));
    expect(report.acknowledged).toBe(1_100);
    expect(requests).toEqual([500, 500, 100]);
    expect(await serverRows()).toHaveLength(1_100);
  });

  it('holds an adoption for its rationale, then sends it with the rationale once amended', async () => {
    const adoption = capture('adoption');
    await captureAnnotation(db, adoption, clientId, { holdMs: 120_000 });
    expect((await syncOnce(deps())).sent).toBe(0);
    await amendAdoption(db, adoption.id, { rationaleTags: ['incomplete'], rationaleText: 'missed the renewal' });
    expect((await syncOnce(deps())).acknowledged).toBe(1);
    const { rows } = await serverDb.query<{ body: Annotation }>('SELECT body FROM annotations WHERE tenant_id = $1 AND id = $2', [tenantId, adoption.id]);
    expect(rows[0]!.body.payload).toMatchObject({ rationaleTags: ['incomplete'], rationaleText: 'missed the renewal' });
    await expect(amendAdoption(db, adoption.id, { rationaleTags: ['other'] })).rejects.toThrow(/already sent/);
  });

  it('runs one sync at a time: concurrent requests never push the same entry twice', async () => {
    for (let i = 0; i < 5; i++) await captureAnnotation(db, capture(), clientId);
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
    expect((await readSyncState(db)).connection).toBe('ok');
  });
});
