// @vitest-environment node
import 'fake-indexeddb/auto';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pagesService } from '../../lib/background/pages-service';
import { answerCall } from '../../lib/messaging/background-service';
import { helpdeskOfSender, isExtensionPage, isHelpdeskContentScript } from '../../lib/messaging/sender';
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

  it('keeps custom sites by origin, one entry each, and refuses an address with a path', async () => {
    await saveSettings(db, { customSites: [{ platform: 'rt', origin: 'https://rt.example.com/' }, { platform: 'rt', origin: 'https://rt.example.com' }, { platform: 'zendesk', origin: 'https://help.acme.example' }] });
    expect((await effectiveSettings(db)).settings.customSites).toEqual([
      { platform: 'rt', origin: 'https://rt.example.com' },
      { platform: 'zendesk', origin: 'https://help.acme.example' },
    ]);
    await expect(saveSettings(db, { customSites: [{ platform: 'rt', origin: 'https://example.com/rt/' }] })).rejects.toThrow(/customSites\.0\.origin.*must be an origin/);
    await expect(saveSettings(db, { customSites: [{ platform: 'jira' as never, origin: 'https://x.example' }] })).rejects.toThrow(/customSites/);
    // Set by policy: wins and is locked.
    await fakeBrowser.storage.managed.set({ customSites: [{ platform: 'rt', origin: 'https://rt.corp.example/' }] });
    const { settings, locked } = await effectiveSettings(db);
    expect(settings.customSites).toEqual([{ platform: 'rt', origin: 'https://rt.corp.example' }]);
    expect(locked).toContain('customSites');
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

  it('admits a custom site by its exact origin, as the helpdesk it was named for', () => {
    const sites = [{ platform: 'rt' as const, origin: 'http://rt.intranet:8080' }, { platform: 'zendesk' as const, origin: 'https://help.acme.example' }];
    expect(helpdeskOfSender({ id, tab, frameId: 0, url: 'http://rt.intranet:8080/Ticket/Display.html?id=7' }, id, sites)).toBe('rt');
    expect(helpdeskOfSender({ id, tab, frameId: 0, url: 'https://help.acme.example/agent/tickets/9' }, id, sites)).toBe('zendesk');
    // Another port, scheme or host is another origin; without the list, nothing custom is admitted.
    expect(helpdeskOfSender({ id, tab, frameId: 0, url: 'http://rt.intranet:8081/Ticket/Display.html?id=7' }, id, sites)).toBeNull();
    expect(helpdeskOfSender({ id, tab, frameId: 0, url: 'https://rt.intranet:8080/Ticket/Display.html?id=7' }, id, sites)).toBeNull();
    expect(helpdeskOfSender({ id, tab, frameId: 0, url: 'http://rt.intranet:8080/Ticket/Display.html?id=7' }, id)).toBeNull();
    expect(helpdeskOfSender({ id, tab, frameId: 2, url: 'http://rt.intranet:8080/Ticket/Display.html?id=7' }, id, sites)).toBeNull();
  });

  it('admits settings and sync calls only from the extension pages', () => {
    expect(isExtensionPage({ id, url: `${origin}options.html` }, id, origin)).toBe(true);
    expect(isExtensionPage({ id, url: 'https://acme.zendesk.com/agent/tickets/1', tab }, id, origin)).toBe(false);
    expect(isExtensionPage({ id: 'other', url: `${origin}options.html` }, id, origin)).toBe(false);
  });
});
