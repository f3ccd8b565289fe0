// @vitest-environment node
import 'fake-indexeddb/auto';
import { v7 as uuidv7 } from 'uuid';
import type { Browser } from 'wxt/browser';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import { pagesService } from '../../lib/background/pages-service';
import { panelService, type PanelService } from '../../lib/background/panel-service';
import type { AnnotationCapture } from '../../lib/contract';
import relevanceExample from '../../lib/contract/examples/relevance.json';
import { answerCall, backgroundService } from '../../lib/messaging/background-service';
import { OverlayDb } from '../../lib/outbox/db';
import type { SyncLoop } from '../../lib/outbox/sync-loop';
import { SettingsDb } from '../../lib/settings/settings-db';

type Sender = Browser.runtime.MessageSender;

/** A relevance click as the panel captures it (the background adds the install's client id). */
function relevanceClick(): AnnotationCapture {
  const { clientId: _added, ...capture } = relevanceExample;
  return { ...capture, id: uuidv7() } as AnnotationCapture;
}

describe('the background worker answering a helpdesk tab', () => {
  let outbox: OverlayDb;
  let settings: SettingsDb;
  let loop: { request: Mock<SyncLoop['request']> };
  let services: ReturnType<typeof panelService | typeof pagesService>[];
  const helpdeskTab = (): Sender => ({ id: fakeBrowser.runtime.id, tab: { id: 7 } as Browser.tabs.Tab, frameId: 0, url: 'https://acme.zendesk.com/agent/tickets/123' });
  const call = (method: string, args: unknown[], sender: Sender = helpdeskTab(), service = 'panel') => answerCall(services, { aitl: 'call', service, method, args }, sender);

  beforeEach(() => {
    fakeBrowser.reset();
    outbox = new OverlayDb(`aitl-panel-service-${crypto.randomUUID()}`);
    settings = new SettingsDb(`aitl-panel-service-settings-${crypto.randomUUID()}`);
    loop = { request: vi.fn<SyncLoop['request']>(async () => null) };
    services = [panelService({ outbox, settings, loop }), pagesService({ outbox, settings, loop })];
  });
  afterEach(async () => {
    for (const db of [outbox, settings]) {
      db.close();
      await db.delete();
    }
  });

  it('saves a relevance click in the outbox with this install\'s client id, and starts a sync', async () => {
    const click = relevanceClick();
    expect(await call('capture', [click])).toEqual({ ok: true });
    const [stored] = await outbox.annotations.toArray();
    expect(stored!.annotation).toMatchObject({ ...click, clientId: await outbox.getValue('clientId') });
    expect(await outbox.outbox.get(click.id)).toMatchObject({ id: click.id, notBefore: 0 });
    expect(loop.request).toHaveBeenCalledWith('captured');
  });

  it('holds an adoption on the device when asked to, so a rationale can still be added', async () => {
    const click = relevanceClick();
    const before = Date.now();
    expect(await call('capture', [click, 120_000])).toEqual({ ok: true });
    expect((await outbox.outbox.get(click.id))!.notBefore).toBeGreaterThanOrEqual(before + 120_000);
  });

  it('refuses a click that does not match the contract, says which field, and saves nothing', async () => {
    const click = relevanceClick();
    const reply = await call('capture', [{ ...click, payload: { ...click.payload, label: 'great' } }]);
    expect(reply).toMatchObject({ ok: false, error: { code: 'bad_message', message: expect.stringMatching(/capture\(\).*payload\.label/) } });
    expect(await call('capture', [click, -5])).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(await call('capture', [])).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(await outbox.outbox.count()).toBe(0);
    expect(loop.request).not.toHaveBeenCalled();
  });

  it('counts a tab\'s selector health under the tab\'s own helpdesk, and refuses page text dressed as a selector key', async () => {
    services = [panelService({ outbox, settings, loop, extensionVersion: '1.4.2' })];
    expect(await call('selectorHealth', ['123', { subject: 2, composer: null }])).toEqual({ ok: true });
    const rows = (await outbox.healthPending.toArray()).map((r) => `${r.site} ${r.extensionVersion} ${r.selector || '(tickets)'} ${r.candidate} ${r.tickets}`).sort();
    expect(rows).toEqual(['zendesk 1.4.2 (tickets) 0 1', 'zendesk 1.4.2 composer -1 1', 'zendesk 1.4.2 subject 2 1']);
    expect(await call('selectorHealth', ['123', { 'Dear Jane, your refund <b>': 0 }])).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(await call('selectorHealth', ['123', { subject: 99 }])).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(await outbox.healthPending.count()).toBe(3);
  });

  it('answers only a helpdesk tab\'s top frame, and nothing it was not given', async () => {
    const click = relevanceClick();
    const refused = [
      { ...helpdeskTab(), url: 'https://zendesk.com.evil.example/agent/tickets/123' },
      { ...helpdeskTab(), frameId: 3 },
      { ...helpdeskTab(), id: 'another-extension' },
      { ...helpdeskTab(), url: 'http://acme.zendesk.com/agent/tickets/123' },
      { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') },
    ];
    for (const sender of refused) expect(await call('capture', [click], sender)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // A helpdesk tab may not reach the settings (where the token is), nor walk up the prototype chain.
    expect(await call('settings', [], helpdeskTab(), 'pages')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    for (const method of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) expect(await call(method, [])).toMatchObject({ ok: false, error: { code: 'bad_message' } });
    expect(await outbox.outbox.count()).toBe(0);
  });

  it('is called from the tab like a local function, across a JSON message as Chrome sends it', async () => {
    fakeBrowser.runtime.onMessage.addListener((message: unknown) => answerCall(services, JSON.parse(JSON.stringify(message)), helpdeskTab()));
    const panel = backgroundService<PanelService>('panel');
    const click = relevanceClick();
    // An optional argument left undefined must not arrive as null.
    expect(await panel.capture(click, undefined)).toEqual({ ok: true });
    expect(await outbox.outbox.count()).toBe(1);
    expect(await panel.status()).toMatchObject({ ok: true, status: { pending: 1, connection: 'unconfigured' } });
  });

  it('passes the backend\'s Retry-After on a busy 503 to the tab, so its retry waits as long as asked', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(async () => new Response(JSON.stringify({ error: { code: 'busy', message: 'model queue full' } }), { status: 503, headers: { 'content-type': 'application/json', 'retry-after': '7' } }));
    services = [panelService({ outbox, settings, loop, fetch }), pagesService({ outbox, settings, loop })];
    const optionsPage: Sender = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/options.html') };
    expect(await call('saveSettings', [{ backendUrl: 'https://aitl.acme.example', token: 'aitl_agent_0123456789abcdef0123456789abcdef' }], optionsPage, 'pages')).toMatchObject({ ok: true });
    const context = { platform: 'zendesk', ticketId: '123', subject: 'Refund not received', messages: [] };
    expect(await call('suggest', [context])).toEqual({ ok: false, error: { code: 'http_503', message: expect.stringMatching(/answered 503/), retryAfterMs: 7000 } });
    expect(fetch).toHaveBeenCalledTimes(1);
  });

  it('tells the tab what to do when the background cannot be reached, instead of throwing', async () => {
    const panel = backgroundService<PanelService>('panel');
    expect(await panel.capture(relevanceClick())).toMatchObject({ ok: false, error: { code: 'unreachable', message: expect.stringMatching(/reload this page/) } });
  });
});
