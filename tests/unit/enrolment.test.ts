// @vitest-environment node
import 'fake-indexeddb/auto';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { AgentEnrolment, readEnrolment } from '../../lib/background/enrolment';
import { pagesService } from '../../lib/background/pages-service';
import { panelService } from '../../lib/background/panel-service';
import { answerCall } from '../../lib/messaging/background-service';
import { OverlayDb } from '../../lib/outbox/db';
import type { SyncLoop } from '../../lib/outbox/sync-loop';
import { SettingsDb } from '../../lib/settings/settings-db';
import { backendTarget, effectiveSettings, settingsView } from '../../lib/settings/settings';

const BACKEND = 'https://aitl.corp.example';
const KEY = `aitl_enroll_${'ab'.repeat(32)}`;
const ROTATED_KEY = `aitl_enroll_${'cd'.repeat(32)}`;
const TOKEN = `aitl_agent_${'12'.repeat(32)}`;
const SAM = { found: true as const, platform: 'zendesk' as const, email: 'sam.agent@acme.example' };

type Call = { url: string; init: RequestInit };
const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const granted = () => json({ token: TOKEN, tenant: 'acme', agent: 'sam.agent@acme.example' });
const refused = (status: number, message: string) => json({ error: { code: status === 401 ? 'unauthorized' : 'forbidden', message } }, status);

describe('self-enrolment in the background worker (POST /v1/enroll)', () => {
  let outbox: OverlayDb;
  let settings: SettingsDb;
  let loop: { request: Mock<SyncLoop['request']> };
  let calls: Call[];
  let answers: Array<() => Response | Promise<Response>>;
  let clock: number;
  let enrolment: AgentEnrolment;

  const fetch = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request to ${url}`);
    return next();
  }) as unknown as typeof globalThis.fetch;
  const enrolCalls = () => calls.filter((c) => c.url === `${BACKEND}/v1/enroll` && c.init.method === 'POST');

  beforeEach(async () => {
    fakeBrowser.reset();
    outbox = new OverlayDb(`aitl-enrol-${crypto.randomUUID()}`);
    settings = new SettingsDb(`aitl-enrol-settings-${crypto.randomUUID()}`);
    loop = { request: vi.fn<SyncLoop['request']>(async () => null) };
    calls = [];
    answers = [];
    clock = Date.parse('2026-03-02T09:00:00Z');
    enrolment = new AgentEnrolment({ settings, outbox, loop, fetch, now: () => clock, random: () => 0.5, backoff: { baseMs: 5_000, maxMs: 60_000 } });
    await fakeBrowser.storage.managed.set({ backendUrl: `${BACKEND}/`, enrollmentKey: KEY });
  });
  afterEach(async () => {
    enrolment.dispose();
    for (const db of [outbox, settings]) {
      db.close();
      await db.delete();
    }
  });

  it('is wanted only with a backend, a key and no token', async () => {
    expect(await enrolment.wanted()).toBe(true);
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, enrollmentKey: '' });
    expect(await enrolment.wanted()).toBe(false);
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, enrollmentKey: KEY, token: TOKEN });
    expect(await enrolment.wanted()).toBe(false); // the policy's token is the admin's choice
  });

  it('enrols the helpdesk identity, keeps the token like a pasted one, and never shows the key or token', async () => {
    answers.push(granted);
    const record = await enrolment.identify(SAM);
    expect(record).toMatchObject({ state: 'enrolled', agent: 'sam.agent@acme.example', tenant: 'acme', via: 'enrollment_key', platform: 'zendesk' });
    const [call] = enrolCalls();
    expect(JSON.parse(String(call!.init.body))).toEqual({ enrollmentKey: KEY, email: 'sam.agent@acme.example', platform: 'zendesk' });
    expect(new Headers(call!.init.headers).has('authorization')).toBe(false);
    expect(await backendTarget(settings)).toEqual({ backendUrl: BACKEND, token: TOKEN });
    expect(loop.request).toHaveBeenCalledWith('settings');
    expect(await enrolment.wanted()).toBe(false);

    answers.push(() => json({ enrollmentKey: true, companySignIn: null }));
    const view = await enrolment.view();
    expect(view).toMatchObject({ state: 'enrolled', agent: 'sam.agent@acme.example', tenant: 'acme', companySignIn: null });
    const seen = JSON.stringify([view, settingsView(await effectiveSettings(settings)), await readEnrolment(settings)]);
    expect(seen).not.toContain(TOKEN);
    expect(seen).not.toContain(KEY);
  });

  it('retries a backend it cannot reach with backoff, and enrols once it answers', async () => {
    answers.push(() => Promise.reject(new TypeError('fetch failed')));
    const first = await enrolment.identify(SAM);
    expect(first).toMatchObject({ state: 'pending', attempt: 1, nextAttemptAt: clock + 3_750 });
    expect(first!.message).toMatch(/could not enrol sam\.agent@acme\.example yet: cannot reach the AITL backend/);
    // Another ticket page, or the alarm, before the backoff ran out: nothing is sent.
    expect((await enrolment.identify(SAM))!.state).toBe('pending');
    expect((await enrolment.retry())!.state).toBe('pending');
    expect(enrolCalls()).toHaveLength(1);
    // Still down: the wait doubles.
    clock += 4_000;
    answers.push(() => json({ error: { code: 'unavailable', message: 'database unavailable' } }, 503));
    expect(await enrolment.retry()).toMatchObject({ state: 'pending', attempt: 2, nextAttemptAt: clock + 7_500 });
    clock += 8_000;
    answers.push(granted);
    expect(await enrolment.retry()).toMatchObject({ state: 'enrolled', attempt: 0, nextAttemptAt: null });
    expect(enrolCalls()).toHaveLength(3);
  });

  it("honours the backend's Retry-After when it limits enrolments", async () => {
    answers.push(() => json({ error: { code: 'rate_limited', message: 'too many enrolment attempts; retry in 90 s' } }, 429, { 'retry-after': '90' }));
    // At least the 90 s it asked for, spread by up to half again so a limited crowd does not return at once (random 0.5 here).
    expect(await enrolment.identify(SAM)).toMatchObject({ state: 'pending', nextAttemptAt: clock + 112_500 });
  });

  it('shows a refused key and does not ask again until the key changes (or the agent asks)', async () => {
    answers.push(() => refused(401, 'unknown or revoked enrollment key'));
    const record = await enrolment.identify(SAM);
    expect(record).toMatchObject({ state: 'refused', nextAttemptAt: null });
    expect(record!.message).toBe('AITL could not enrol sam.agent@acme.example: the backend refused the enrollment key (unknown or revoked enrollment key); ask your AITL admin.');
    clock += 3_600_000;
    await enrolment.identify(SAM);
    await enrolment.retry();
    expect(enrolCalls()).toHaveLength(1);
    // The agent's "Try again".
    answers.push(() => refused(401, 'unknown or revoked enrollment key'));
    expect((await enrolment.retry({ force: true }))!.state).toBe('refused');
    expect(enrolCalls()).toHaveLength(2);
    // The admin rotates the key in the policy: the next ticket page enrols.
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, enrollmentKey: ROTATED_KEY });
    answers.push(granted);
    expect((await enrolment.identify(SAM))!.state).toBe('enrolled');
    expect(JSON.parse(String(enrolCalls()[2]!.init.body)).enrollmentKey).toBe(ROTATED_KEY);
  });

  it('shows an address outside the key\'s domains as refused', async () => {
    answers.push(() => refused(403, 'sam.agent@acme.example is not at a domain this key admits'));
    const record = await enrolment.identify(SAM);
    expect(record).toMatchObject({ state: 'refused' });
    expect(record!.message).toMatch(/will not enrol this account \(sam\.agent@acme\.example is not at a domain this key admits\)/);
    expect(await backendTarget(settings)).toBeNull();
  });

  it('says plainly when the helpdesk would not say who is signed in, and offers the token path', async () => {
    const record = await enrolment.identify({ found: false, platform: 'salesforce', problem: 'this page has no Lightning (Aura) framework yet' });
    expect(record).toMatchObject({ state: 'no_identity' });
    expect(record!.message).toBe(
      'AITL could not read who is signed in to Salesforce (this page has no Lightning (Aura) framework yet), so it cannot enrol you.',
    );
    // The panel adds the way forward.
    const suggest = await panelService({ outbox, settings, loop, enrolment }).methods({ tabId: 1, frameId: 0, platform: 'salesforce' }).suggest({ platform: 'salesforce', ticketId: '5005g00000AbCdEAAV', messages: [] } as never);
    expect(suggest).toMatchObject({ ok: false, error: { message: expect.stringMatching(/so it cannot enrol you\. Open the AITL options \(its toolbar icon → Options\) and paste an agent token/) } });
    expect(calls).toHaveLength(0);
  });

  it('enrols again when the backend URL changes or the issued token is refused', async () => {
    answers.push(granted);
    await enrolment.identify(SAM);
    expect(await enrolment.wanted()).toBe(false);
    await outbox.setValue('syncState', { connection: 'unauthorized', attempt: 1, nextAttemptAt: null, lastSyncAt: null, lastError: 'revoked' });
    expect(await enrolment.wanted()).toBe(true);
    await outbox.setValue('syncState', { connection: 'ok', attempt: 0, nextAttemptAt: null, lastSyncAt: null, lastError: null });
    await fakeBrowser.storage.managed.set({ backendUrl: 'https://aitl-eu.corp.example', enrollmentKey: KEY });
    expect(await enrolment.wanted()).toBe(true);
  });

  describe('through the services', () => {
    const zendeskTab = { id: fakeBrowser.runtime.id, tab: { id: 7 } as Browser.tabs.Tab, frameId: 0, url: 'https://acme.zendesk.com/agent/tickets/123' };
    const optionsPage = () => ({ id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') });
    let services: ReturnType<typeof panelService | typeof pagesService>[];
    const call = (service: 'panel' | 'pages', method: string, args: unknown[], sender: Browser.runtime.MessageSender) => answerCall(services, { aitl: 'call', service, method, args }, sender);
    beforeEach(() => {
      services = [panelService({ outbox, settings, loop, enrolment }), pagesService({ outbox, settings, loop, enrolment, fetch })];
    });

    it('a helpdesk tab reports its agent; the options page sees who is enrolled, never the token', async () => {
      expect(await call('panel', 'enrolmentWanted', [], zendeskTab)).toEqual({ ok: true, wanted: true });
      // Not from a helpdesk the panel is switched off for.
      await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, enrollmentKey: KEY, enabledSites: ['salesforce'] });
      expect(await call('panel', 'enrolmentWanted', [], zendeskTab)).toEqual({ ok: true, wanted: false });
      await fakeBrowser.storage.managed.set({ backendUrl: BACKEND, enrollmentKey: KEY });
      // A Zendesk tab cannot speak for Salesforce, and an email must be one.
      expect(await call('panel', 'identify', [{ ...SAM, platform: 'salesforce' }], zendeskTab)).toMatchObject({ ok: false, error: { code: 'bad_message' } });
      expect(await call('panel', 'identify', [{ ...SAM, email: 'nobody' }], zendeskTab)).toMatchObject({ ok: false, error: { code: 'bad_message' } });
      // Enrolment is not for extension pages to trigger with an identity of their choosing.
      expect(await call('panel', 'identify', [SAM], optionsPage())).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      answers.push(granted);
      expect(await call('panel', 'identify', [SAM], zendeskTab)).toEqual({ ok: true, state: 'enrolled', message: null });
      answers.push(() => json({ enrollmentKey: true, companySignIn: null }));
      const reply = await call('pages', 'enrolment', [], optionsPage());
      expect(reply).toMatchObject({ ok: true, enrolment: { state: 'enrolled', agent: 'sam.agent@acme.example', tenant: 'acme' } });
      expect(JSON.stringify(reply)).not.toContain(TOKEN);
      // The agent pastes a token of their own: that is who they are now.
      expect(await call('pages', 'saveSettings', [{ token: `aitl_agent_${'34'.repeat(32)}` }], optionsPage())).toMatchObject({ ok: true });
      expect(await call('pages', 'enrolment', [], optionsPage())).toMatchObject({ ok: true, enrolment: { state: 'off', agent: null } });
      expect(await call('panel', 'enrolmentWanted', [], zendeskTab)).toEqual({ ok: true, wanted: false });
    });

    it('the panel says it is enrolling, not "paste a token", while enrolment is under way', async () => {
      answers.push(() => Promise.reject(new TypeError('fetch failed')));
      await call('panel', 'identify', [SAM], zendeskTab);
      const suggest = await call('panel', 'suggest', [{ platform: 'zendesk', ticketId: '123', messages: [] }], zendeskTab);
      expect(suggest).toMatchObject({ ok: false, error: { code: 'unconfigured', message: expect.stringMatching(/could not enrol sam\.agent@acme\.example yet/) } });
    });
  });
});
