// @vitest-environment node
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { recordSelectorHealth } from '../../lib/outbox/adapter-health';
import { captureAnnotation } from '../../lib/outbox/capture';
import { HEALTH_ONLY_EVERY_MS, syncOnce, type SyncDeps } from '../../lib/outbox/sync';
import { testDatabases } from '../../server/test/helpers/databases';
import { capture, useOutboxBackend } from './outbox-backend';

describe.each(testDatabases())('adapter health from the outbox to the real backend on $name', (testDb) => {
  const env = useOutboxBackend(testDb);
  let clock: number;
  beforeEach(() => {
    clock = Date.now();
  });

  const deps = (over: Partial<SyncDeps> = {}): SyncDeps => ({ db: env.db, target: async () => ({ backendUrl: env.backendUrl, token: env.token }), clientId: async () => env.clientId, random: () => 0.5, now: () => clock, ...over });
  const serverCounts = async () =>
    (
      await env.serverDb.query<{ selector: string; outcome: string; tickets: number }>(
        'SELECT selector, outcome, tickets::int AS tickets FROM adapter_health WHERE tenant_id = $1 ORDER BY selector, candidate',
        [env.tenantId],
      )
    ).rows;
  const look = (ticketId: string, outcomes: Record<string, number | null>) => recordSelectorHealth(env.db, { site: 'zendesk', ticketId, extensionVersion: '1.4.2', outcomes, now: clock });

  it('sends the counts with the annotations and forgets them once the server acknowledged', async () => {
    await look('1', { subject: 1, composer: null });
    await look('2', { subject: 0 });
    await captureAnnotation(env.db, capture(), env.clientId);
    const report = await syncOnce(deps());
    expect(report).toMatchObject({ acknowledged: 1, state: { connection: 'ok' } });
    expect(await serverCounts()).toEqual([
      { selector: 'composer', outcome: 'failed', tickets: 1 },
      { selector: 'subject', outcome: 'primary', tickets: 1 },
      { selector: 'subject', outcome: 'fallback', tickets: 1 },
    ]);
    expect(await env.db.healthOutbox.count()).toBe(0);
    expect(await env.db.healthPending.count()).toBe(0);
  });

  it('keeps the report when the answer was lost and counts it once when the retry replays it', async () => {
    await look('1', { subject: 1 });
    await captureAnnotation(env.db, capture(), env.clientId);
    const loseResponse: typeof fetch = async (input, init) => {
      await fetch(input, init);
      throw new TypeError('network connection lost');
    };
    expect((await syncOnce(deps({ fetch: loseResponse }))).state.connection).toBe('offline');
    expect(await env.db.healthOutbox.count()).toBe(1);
    await look('2', { subject: 1 }); // counted meanwhile: goes in the next report
    clock += 60_000;
    expect((await syncOnce(deps())).state.connection).toBe('ok');
    expect(await serverCounts()).toEqual([{ selector: 'subject', outcome: 'fallback', tickets: 1 }]);
    // With no annotation waiting, the next report goes alone, but not before the interval.
    await syncOnce(deps());
    expect(await env.db.healthPending.count()).toBe(0); // sealed...
    expect(await env.db.healthOutbox.count()).toBe(1); // ...but not sent yet
    clock += HEALTH_ONLY_EVERY_MS;
    await syncOnce(deps());
    expect(await env.db.healthOutbox.count()).toBe(0);
    expect(await serverCounts()).toEqual([{ selector: 'subject', outcome: 'fallback', tickets: 2 }]);
  });

  it('keeps everything on the device while the backend is down', async () => {
    await look('1', { subject: 1 });
    await captureAnnotation(env.db, capture(), env.clientId);
    const down: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await syncOnce(deps({ fetch: down }));
    expect(await env.db.outbox.count()).toBe(1);
    expect(await env.db.healthOutbox.count()).toBe(1);
    expect(await serverCounts()).toEqual([]);
  });

  it('drops a report the server refused for good, says why, and still syncs the annotations', async () => {
    await look('1', { subject: 1 });
    await captureAnnotation(env.db, capture(), env.clientId);
    // A report the server cannot take (a development build's version string).
    await env.db.healthPending.bulkPut((await env.db.healthPending.toArray()).map((r) => ({ ...r, extensionVersion: '1.4.2-dev' })));
    const report = await syncOnce(deps());
    expect(report.acknowledged).toBe(1);
    expect(await env.db.healthOutbox.count()).toBe(0);
    expect(await env.db.getValue<string>('healthLastError')).toContain('adapterHealth.extensionVersion');
    expect(await serverCounts()).toEqual([]);
  });

  it('syncs without the report, keeping it, when a backend from before adapter health refuses the field', async () => {
    await look('1', { subject: 1 });
    await captureAnnotation(env.db, capture(), env.clientId);
    const oldBackend: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init!.body)) as Record<string, unknown>;
      if ('adapterHealth' in body) {
        return new Response(JSON.stringify({ error: { code: 'bad_request', message: 'invalid sync request: (root): unknown field(s) adapterHealth', paths: ['adapterHealth'] } }), { status: 400, headers: { 'content-type': 'application/json' } });
      }
      return fetch(input, init);
    };
    const report = await syncOnce(deps({ fetch: oldBackend }));
    expect(report).toMatchObject({ acknowledged: 1, state: { connection: 'ok' } });
    expect(await env.db.healthOutbox.count()).toBe(1);
  });
});
