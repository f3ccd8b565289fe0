import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pagesService } from '../../lib/background/pages-service';
import { answerCall } from '../../lib/messaging/background-service';
import { OverlayDb } from '../../lib/outbox/db';
import { SyncLoop } from '../../lib/outbox/sync-loop';
import { SettingsDb } from '../../lib/settings/settings-db';
import { saveSettings } from '../../lib/settings/settings';

/** Records which URL got which Authorization header; answers as an AITL backend would. */
function recordingBackend() {
  const calls: { url: string; authorization: string | null }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const url = String(input);
    const authorization = new Headers(init?.headers).get('authorization');
    calls.push({ url, authorization });
    if (url.endsWith('/healthz')) return Response.json({ ok: true, db: 'pglite', version: '0.1.0' });
    if (authorization === 'Bearer aitl_agent_saved') return Response.json({ tenant: 'acme', role: 'agent', name: 'sam@acme.example' });
    return Response.json({ error: { code: 'unauthorized', message: 'invalid or revoked token' } }, { status: 401 });
  };
  return { calls, fetch };
}

describe("Test connection: which backend and whose token", () => {
  let db: SettingsDb;
  let outbox: OverlayDb;
  beforeEach(() => {
    fakeBrowser.reset();
    db = new SettingsDb(`aitl-tc-${crypto.randomUUID()}`);
    outbox = new OverlayDb(`aitl-tc-outbox-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    db.close();
    outbox.close();
    await db.delete();
    await outbox.delete();
  });

  const page = (fetch: typeof globalThis.fetch) => {
    const services = [pagesService({ outbox, settings: db, fetch, loop: new SyncLoop({ db: outbox, target: async () => null, clientId: async () => 'x' }) })];
    const sender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
    return (draft: unknown) => answerCall(services, { aitl: 'call', service: 'pages', method: 'testConnection', args: [draft] }, sender);
  };

  it('tests the saved backend with the saved token', async () => {
    await saveSettings(db, { backendUrl: 'https://aitl.acme.example', token: 'aitl_agent_saved' });
    const backend = recordingBackend();
    const reply = await page(backend.fetch)({});
    expect(reply).toMatchObject({ ok: true, check: { health: { ok: true }, owner: { ok: true, tenant: 'acme', name: 'sam@acme.example' } } });
    expect(backend.calls).toContainEqual({ url: 'https://aitl.acme.example/v1/whoami', authorization: 'Bearer aitl_agent_saved' });
  });

  it('never sends the saved token to an address typed but not saved', async () => {
    await saveSettings(db, { backendUrl: 'https://aitl.acme.example', token: 'aitl_agent_saved' });
    const backend = recordingBackend();
    const reply = await page(backend.fetch)({ backendUrl: 'https://elsewhere.example/' });
    expect(reply).toMatchObject({ ok: true, check: { backendUrl: 'https://elsewhere.example', health: { ok: true }, owner: { ok: false, message: expect.stringMatching(/only sent to the saved backend/) } } });
    expect(backend.calls.every((c) => c.authorization === null)).toBe(true);
    expect(backend.calls.map((c) => c.url)).toEqual(['https://elsewhere.example/healthz']);
  });

  it('uses a token typed but not saved, and says when it is refused', async () => {
    await saveSettings(db, { backendUrl: 'https://aitl.acme.example', token: 'aitl_agent_saved' });
    const backend = recordingBackend();
    const reply = await page(backend.fetch)({ token: 'aitl_agent_typed' });
    expect(reply).toMatchObject({ ok: true, check: { owner: { ok: false, message: expect.stringMatching(/refused the token/) } } });
    expect(backend.calls).toContainEqual({ url: 'https://aitl.acme.example/v1/whoami', authorization: 'Bearer aitl_agent_typed' });
  });

  it('a backend URL set by policy wins over one typed', async () => {
    await fakeBrowser.storage.managed.set({ backendUrl: 'https://aitl.corp.example' });
    const backend = recordingBackend();
    const reply = await page(backend.fetch)({ backendUrl: 'https://elsewhere.example' });
    expect(reply).toMatchObject({ ok: true, check: { backendUrl: 'https://aitl.corp.example', owner: null } });
    expect(backend.calls.map((c) => c.url)).toEqual(['https://aitl.corp.example/healthz']);
  });

  it('with no backend URL anywhere, says to type one; a malformed one is refused', async () => {
    const backend = recordingBackend();
    expect(await page(backend.fetch)({})).toMatchObject({ ok: false, error: { code: 'unconfigured', message: expect.stringMatching(/backend URL/) } });
    expect(await page(backend.fetch)({ backendUrl: 'not a url' })).toMatchObject({ ok: false });
    expect(backend.calls).toEqual([]);
  });
});
