import { afterEach, describe, expect, it, vi } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { Impression, TicketContext } from '../../lib/contract';
import impressionExample from '../../lib/contract/examples/impression.json';
import { OverlayController, type OverlayView } from '../../lib/overlay/controller';
import { pageMemory, type TicketMemory } from '../../lib/overlay/ticket-memory';
import type { SessionTransport, TicketSession } from '../../lib/overlay/ticket-session';
import { zendeskAdapter } from '../../lib/sites/zendesk/adapter';
// @ts-expect-error plain JS fixture module shared with the browser tests
import { startZendeskApp } from '../fixtures/zendesk-app.js';
import { loadFixturePage } from './fixture-page';

vi.mock('wxt/utils/inject-script', () => ({ injectScript: async () => ({ script: document.createElement('script') }) }));

/** Remembers nothing: what a ticket showed can only come from the page's suggestion cache. */
const forgetful: TicketMemory = { recall: async () => null, keep: () => {} };

function setup(enabled = true, memory?: TicketMemory, answer: () => Promise<void> = async () => {}) {
  loadFixturePage('zendesk/agent-workspace.html', 'https://acme.zendesk.com/agent/tickets/123');
  startZendeskApp(window, { renderDelayMs: 20 });
  const asked: TicketContext[] = [];
  const transport: SessionTransport = {
    suggest: async (context) => {
      asked.push(context);
      await answer();
      return { ok: true, impression: { ...(impressionExample as Impression), id: uuidv7(), ticket: { platform: 'zendesk', ticketId: context.ticketId } } };
    },
    capture: async () => ({ ok: true }),
    amend: async () => ({ ok: true }),
  };
  const shown: TicketSession[] = [];
  const view: OverlayView = { show: (s) => shown.push(s), hide: vi.fn() };
  const controller = new OverlayController(zendeskAdapter, document, transport, view, { isEnabled: async () => enabled, ...(memory && { memory }) });
  return { controller, shown, asked, view };
}

describe('following the agent between tickets', () => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('after a full page load, shows the same impression and still knows the reply inserted (the tab remembers)', async () => {
    // One memory outliving two page loads, as the background keeps it for a tab (RT's reply form is its own page).
    const tab = pageMemory();
    const before = setup(true, tab);
    await before.controller.onLocation(new URL(location.href));
    const first = before.shown[0]!;
    await vi.waitFor(() => expect(first.model.impression.status).toBe('ready'));
    await first.insert('A');
    expect(first.model.inserted?.slot).toBe('A');
    before.controller.dispose();
    document.documentElement.innerHTML = '';

    const after = setup(true, tab);
    await after.controller.onLocation(new URL(location.href));
    const again = after.shown[0]!;
    expect(after.asked).toEqual([]);
    expect(again.model.impression).toMatchObject({ status: 'ready', impression: { id: (first.model.impression as { impression: Impression }).impression.id } });
    expect(again.model.inserted).toEqual(first.model.inserted);
  });

  it('binds a fresh session per ticket, waits for the new pane, and drops the old one', async () => {
    const { controller, shown, asked } = setup();
    await controller.onLocation(new URL(location.href));
    expect(shown.map((s) => s.ticket.ticketId)).toEqual(['123']);
    const first = shown[0]!;
    // The SPA changes the URL first and renders the ticket a moment later.
    (document.querySelector('a[data-entity-id="456"]') as HTMLElement).click();
    await controller.onLocation(new URL(location.href));
    expect(shown.map((s) => s.ticket.ticketId)).toEqual(['123', '456']);
    expect(asked.map((c) => c.ticketId)).toEqual(['123', '456']);
    expect(asked[1]!.subject).toBe('Cannot log in after password reset');
    // The old session no longer tells anyone anything.
    const listener = vi.fn();
    first.subscribe(listener);
    await first.load();
    expect(listener).not.toHaveBeenCalled();
  });

  it('shows what was shown before when the agent comes back to a ticket (no new impression)', async () => {
    const { controller, shown, asked } = setup();
    await controller.onLocation(new URL(location.href));
    await vi.waitFor(() => expect(shown[0]!.model.impression.status).toBe('ready'));
    (document.querySelector('a[data-entity-id="456"]') as HTMLElement).click();
    await controller.onLocation(new URL(location.href));
    (document.querySelector('a[data-entity-id="123"]') as HTMLElement).click();
    await controller.onLocation(new URL(location.href));
    expect(asked.map((c) => c.ticketId)).toEqual(['123', '456']);
    expect(shown[2]!.model.impression.status).toBe('ready');
  });

  it('switching back to a ticket shows its impression at once from the page\'s cache, with no second request', async () => {
    const { controller, shown, asked } = setup(true, forgetful);
    const go = async (id: string) => {
      (document.querySelector(`a[data-entity-id="${id}"]`) as HTMLElement).click();
      await controller.onLocation(new URL(location.href));
    };
    await controller.onLocation(new URL(location.href));
    await vi.waitFor(() => expect(shown[0]!.model.impression.status).toBe('ready'));
    const firstId = (shown[0]!.model.impression as { impression: Impression }).impression.id;
    await go('456');
    await vi.waitFor(() => expect(shown[1]!.model.impression.status).toBe('ready'));
    await go('123');
    // Ready as the session is shown: no loading state in between.
    expect(shown[2]!.model.impression).toMatchObject({ status: 'ready', impression: { id: firstId } });
    expect(asked.map((c) => c.ticketId)).toEqual(['123', '456']);
  });

  it('switching away and back while the suggestion is still on its way joins that request', async () => {
    let release: () => void = () => {};
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { controller, shown, asked } = setup(true, forgetful, () => slow);
    const go = async (id: string) => {
      (document.querySelector(`a[data-entity-id="${id}"]`) as HTMLElement).click();
      await controller.onLocation(new URL(location.href));
    };
    await controller.onLocation(new URL(location.href));
    await go('456');
    await go('123');
    expect(shown[2]!.model.impression.status).toBe('loading');
    release();
    await vi.waitFor(() => expect(shown[2]!.model.impression.status).toBe('ready'));
    expect(asked.map((c) => c.ticketId)).toEqual(['123', '456']);
  });

  it('does nothing when the agent or the admin turned the site off', async () => {
    const { controller, shown, asked } = setup(false);
    await controller.onLocation(new URL(location.href));
    expect(shown).toEqual([]);
    expect(asked).toEqual([]);
  });

  it('hides the panel on a page that is not a ticket', async () => {
    const { controller, view } = setup();
    await controller.onLocation(new URL(location.href));
    await controller.onLocation(new URL('https://acme.zendesk.com/agent/dashboard'));
    expect(view.hide).toHaveBeenCalled();
    expect(controller.current).toBeNull();
  });
});
