// @vitest-environment node
import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pagesService } from '../../lib/background/pages-service';
import { answerCall } from '../../lib/messaging/background-service';
import { isExtensionPage, isHelpdeskContentScript } from '../../lib/messaging/sender';
import { OverlayDb } from '../../lib/outbox/db';
import { SyncLoop } from '../../lib/outbox/sync-loop';
import { SettingsDb } from '../../lib/settings/settings-db';
import { effectiveSettings, saveSettings } from '../../lib/settings/settings';

describe('settings: policy over the agent over the defaults', () => {
  let db: SettingsDb;
  beforeEach(() => {
    fakeBrowser.reset();
    db = new SettingsDb(`aitl-settings-${crypto.randomUUID()}`);
  });
  afterEach(async () => {
    db.close();
    await db.delete();
  });

  it('starts unconfigured with every site on', async () => {
    const { settings, locked } = await effectiveSettings(db);
    expect(settings).toMatchObject({ backendUrl: '', token: '', enabledSites: ['zendesk', 'salesforce', 'rt'], customSites: [] });
    expect(locked).toEqual([]);
  });

  it('saves the agent choices, normalising the backend URL', async () => {
    await saveSettings(db, { backendUrl: 'https://aitl.example.com/', token: ' aitl_agent_x ', pairwiseSamplingRate: 0.25 });
    expect((await effectiveSettings(db)).settings).toMatchObject({ backendUrl: 'https://aitl.example.com', token: 'aitl_agent_x', pairwiseSamplingRate: 0.25 });
    await expect(saveSettings(db, { pairwiseSamplingRate: 2 })).rejects.toThrow(/pairwiseSamplingRate/);
    await expect(saveSettings(db, { backendUrl: 'ftp://x' })).rejects.toThrow(/backendUrl/);
  });

  it('lets a policy value win, shows it locked, and refuses to change it', async () => {
    await saveSettings(db, { backendUrl: 'https://mine.example.com', pairwiseSamplingRate: 0.1 });
    await fakeBrowser.storage.managed.set({ backendUrl: 'https://aitl.corp.example/', pairwiseSamplingRate: 0.3, enabledSites: ['zendesk'], token: 42 });
    const { settings, locked } = await effectiveSettings(db);
    expect(settings).toMatchObject({ backendUrl: 'https://aitl.corp.example', pairwiseSamplingRate: 0.3, enabledSites: ['zendesk'] });
    // An invalid policy value (a number for the token) is ignored, not half-applied.
    expect(locked.sort()).toEqual(['backendUrl', 'enabledSites', 'pairwiseSamplingRate']);
    await expect(saveSettings(db, { backendUrl: 'https://other.example.com' })).rejects.toThrow(/set by your administrator/);
  });

  it('never hands the token back to a page', async () => {
    await saveSettings(db, { token: 'aitl_agent_secret' });
    const outbox = new OverlayDb(`aitl-settings-outbox-${crypto.randomUUID()}`);
    const services = [pagesService({ outbox, settings: db, loop: new SyncLoop({ db: outbox, target: async () => null, clientId: async () => 'x' }) })];
    const optionsPage = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
    const handlePageMessage = (method: string, ...args: unknown[]) => answerCall(services, { aitl: 'call', service: 'pages', method, args }, optionsPage);
    const reply = await handlePageMessage('settings');
    expect(JSON.stringify(reply)).not.toContain('aitl_agent_secret');
    expect(reply).toMatchObject({ ok: true, view: { settings: { hasToken: true } } });
    expect(await handlePageMessage('saveSettings', { token: 7 })).toMatchObject({ ok: false });
    expect(await handlePageMessage('run.anything')).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    outbox.close();
    await outbox.delete();
  });
});

describe('who may send what', () => {
  const id = 'aidellcenmenbfdaogiajhhlfppkapll';
  const origin = `chrome-extension://${id}/`;
  const tab = { id: 1 } as never;

  it('admits content scripts only from a helpdesk tab top frame', () => {
    expect(isHelpdeskContentScript({ id, tab, frameId: 0, url: 'https://acme.zendesk.com/agent/tickets/1' }, id)).toBe(true);
    expect(isHelpdeskContentScript({ id, tab, frameId: 0, url: 'https://acme.lightning.force.com/lightning/r/Case/5005g00000AbCdEAAV/view' }, id)).toBe(true);
    expect(isHelpdeskContentScript({ id, tab, frameId: 3, url: 'https://acme.zendesk.com/agent/tickets/1' }, id)).toBe(false);
    expect(isHelpdeskContentScript({ id, tab, frameId: 0, url: 'https://zendesk.com.evil.example/agent/tickets/1' }, id)).toBe(false);
    expect(isHelpdeskContentScript({ id: 'someone-else', tab, frameId: 0, url: 'https://acme.zendesk.com/agent/tickets/1' }, id)).toBe(false);
    expect(isHelpdeskContentScript({ id, frameId: 0, url: 'https://acme.zendesk.com/agent/tickets/1' }, id)).toBe(false);
  });

  it('admits settings and sync calls only from the extension pages', () => {
    expect(isExtensionPage({ id, url: `${origin}options.html` }, id, origin)).toBe(true);
    expect(isExtensionPage({ id, url: 'https://acme.zendesk.com/agent/tickets/1', tab }, id, origin)).toBe(false);
    expect(isExtensionPage({ id: 'other', url: `${origin}options.html` }, id, origin)).toBe(false);
  });
});
