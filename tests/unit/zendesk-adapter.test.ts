import { afterEach, describe, expect, it, vi } from 'vitest';
import { TicketContext } from '../../lib/contract';
import { zendeskAdapter } from '../../lib/sites/zendesk/adapter';
// @ts-expect-error plain JS fixture module shared with the browser tests
import { startZendeskApp } from '../fixtures/zendesk-app.js';
import { loadFixturePage } from './fixture-page';

// The editor-API strategy talks to a MAIN-world script; here the bridge runs in the same window.
vi.mock('wxt/utils/inject-script', () => ({
  injectScript: async () => {
    const { default: script } = await import('../../entrypoints/ckeditor-bridge');
    if (!(globalThis as { __bridge?: boolean }).__bridge) {
      (globalThis as { __bridge?: boolean }).__bridge = true;
      script.main();
    }
    return { script: document.createElement('script') };
  },
}));

const URL_123 = 'https://acme.zendesk.com/agent/tickets/123';

function open(url = URL_123) {
  loadFixturePage('zendesk/agent-workspace.html', url);
  return startZendeskApp(window, { renderDelayMs: 0 });
}

describe('zendesk adapter on a workspace with three tickets mounted', () => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('reads the ticket id from ticket URLs only', () => {
    expect(zendeskAdapter.ticketIdFromUrl(new URL(URL_123))).toBe('123');
    expect(zendeskAdapter.ticketIdFromUrl(new URL('https://acme.zendesk.com/agent/tickets/123/events'))).toBe('123');
    expect(zendeskAdapter.ticketIdFromUrl(new URL('https://acme.zendesk.com/agent/dashboard'))).toBeNull();
    expect(zendeskAdapter.ticketIdFromUrl(new URL('https://evil.example.com/agent/tickets/123'))).toBeNull();
  });

  it('scopes to the active ticket, never the first match in the document', () => {
    open('https://acme.zendesk.com/agent/tickets/456');
    const ticket = zendeskAdapter.detectTicket(document, new URL('https://acme.zendesk.com/agent/tickets/456'))!;
    expect(ticket.ticketId).toBe('456');
    const context = zendeskAdapter.readContext(ticket, new URL(location.href));
    expect(context.subject).toBe('Cannot log in after password reset');
    expect(context.messages.map((m) => m.text).join(' ')).not.toContain('refund');
    expect(zendeskAdapter.findComposer(ticket)!.element.closest('[data-ticket-id]')!.getAttribute('data-ticket-id')).toBe('456');
  });

  it('waits while the URL and the selected tab disagree (mid-switch)', () => {
    open();
    expect(zendeskAdapter.detectTicket(document, new URL('https://acme.zendesk.com/agent/tickets/456'))).toBeNull();
  });

  it('reads subject, requester, priority, tags and the conversation with roles, without noise', () => {
    open();
    const ticket = zendeskAdapter.detectTicket(document, new URL(URL_123))!;
    const context = zendeskAdapter.readContext(ticket, new URL(URL_123));
    expect(TicketContext.safeParse(context).success).toBe(true);
    expect(context).toMatchObject({
      platform: 'zendesk',
      ticketId: '123',
      url: URL_123,
      subject: 'Refund not received',
      requester: { name: 'Jane Customer' },
      priority: 'High',
      status: 'Open',
      tags: ['refund', 'billing'],
    });
    expect(context.messages.map((m) => [m.role, m.author])).toEqual([
      ['customer', 'Jane Customer'],
      ['internal', 'Sam Agent'],
      ['agent', 'Sam Agent'],
    ]);
    expect(context.messages[0]!.text).toBe('I upgraded to the annual plan last week and still have not got my refund for the monthly plan.');
    expect(context.messages[0]!.at).toBe('2026-11-20T10:00:00.000Z');
  });

  it('keeps hostile ticket text as text', () => {
    open('https://acme.zendesk.com/agent/tickets/789');
    const ticket = zendeskAdapter.detectTicket(document, new URL('https://acme.zendesk.com/agent/tickets/789'))!;
    const context = zendeskAdapter.readContext(ticket, new URL(location.href));
    expect(context.subject).toBe('<img src=x onerror="window.__aitlPwned=1"> refund <script>window.__aitlPwned=2</script>');
    expect(context.messages[0]!.text).toContain('<script>window.__aitlPwned=4</script>');
  });

  it('has a composer that undoes direct DOM writes, like CKEditor 5', async () => {
    open();
    const composer = zendeskAdapter.findComposer(zendeskAdapter.detectTicket(document, new URL(URL_123))!)!;
    expect(composer.kind).toBe('ckeditor5');
    composer.element.textContent = 'written behind the editor';
    await new Promise((r) => setTimeout(r, 0));
    expect(zendeskAdapter.readComposer(composer)).toBe('');
  });

  it('inserts through the editor API and the text lands in the editor model', async () => {
    const { editors } = open();
    const ticket = zendeskAdapter.detectTicket(document, new URL(URL_123))!;
    const composer = zendeskAdapter.findComposer(ticket)!;
    const result = await zendeskAdapter.insertReply(composer, 'Hi Jane,\nyour refund is on its way.');
    expect(result).toEqual({ ok: true, method: 'editor-api' });
    expect(editors.get('123').getData()).toBe('<p>Hi Jane,</p><p>your refund is on its way.</p>');
    expect(editors.get('456').getData()).toBe('<p>&nbsp;</p>');
  });

  it('falls back to an HTML paste when the editor API is out of reach', async () => {
    const { editors } = open();
    const composer = zendeskAdapter.findComposer(zendeskAdapter.detectTicket(document, new URL(URL_123))!)!;
    delete (composer.element as { ckeditorInstance?: unknown }).ckeditorInstance;
    const result = await zendeskAdapter.insertReply(composer, 'Pasted <b>reply</b>');
    expect(result.method).toBe('paste-html');
    expect(result.ok).toBe(true);
    expect(editors.get('123').getData()).toBe('<p>Pasted &lt;b>reply&lt;/b></p>');
  });

  it('falls back to the clipboard, with a message, when the editor takes nothing', async () => {
    open();
    const composer = zendeskAdapter.findComposer(zendeskAdapter.detectTicket(document, new URL(URL_123))!)!;
    // An editor with no reachable API that ignores pastes too (an unknown composer).
    delete (composer.element as { ckeditorInstance?: unknown }).ckeditorInstance;
    composer.element.addEventListener('paste', (e) => e.stopImmediatePropagation(), { capture: true });
    const writeText = vi.fn(async () => {});
    Object.defineProperty(window.navigator, 'clipboard', { value: { writeText }, configurable: true });
    const result = await zendeskAdapter.insertReply(composer, 'Copy me');
    expect(result).toMatchObject({ ok: false, method: 'clipboard' });
    expect(result.message).toMatch(/paste/);
    expect(writeText).toHaveBeenCalledWith('Copy me');
  });

  it('reports a send once the new conversation entry confirms it', async () => {
    open();
    const ticket = zendeskAdapter.detectTicket(document, new URL(URL_123))!;
    const composer = zendeskAdapter.findComposer(ticket)!;
    await zendeskAdapter.insertReply(composer, 'Hi Jane, refund issued.');
    const sent = vi.fn();
    const stop = zendeskAdapter.observeSent(ticket, sent);
    (ticket.root.querySelector('[data-test-id="submit_button-button"]') as HTMLElement).click();
    expect(sent).not.toHaveBeenCalled(); // not before the helpdesk shows the message
    await vi.waitFor(() => expect(sent).toHaveBeenCalledTimes(1));
    expect(sent.mock.calls[0]![0]).toMatchObject({ ticketId: '123', text: 'Hi Jane, refund issued.', channel: 'public', via: 'submit-click' });
    stop();
  });

  it('does not report a send the helpdesk refused (no new entry)', async () => {
    open();
    const ticket = zendeskAdapter.detectTicket(document, new URL(URL_123))!;
    const sent = vi.fn();
    const stop = zendeskAdapter.observeSent(ticket, sent);
    // Empty composer: the fixture, like Zendesk, sends nothing.
    (ticket.root.querySelector('[data-test-id="submit_button-button"]') as HTMLElement).click();
    await new Promise((r) => setTimeout(r, 100));
    expect(sent).not.toHaveBeenCalled();
    stop();
  });

  it('records which selectors matched', () => {
    open();
    zendeskAdapter.readContext(zendeskAdapter.detectTicket(document, new URL(URL_123))!, new URL(URL_123));
    expect(zendeskAdapter.selectorHealth()).toMatchObject({ activeTab: 0, ticketRoot: 0, subject: 0, logEntry: 0 });
  });

  it('records the fallback that matched once the primary selector broke, for adapter health', () => {
    open();
    // Zendesk renamed the subject's test id: only the third candidate still matches.
    for (const input of document.querySelectorAll('input[data-test-id="omni-header-subject"]')) {
      input.removeAttribute('data-test-id');
      input.setAttribute('name', 'subject');
    }
    zendeskAdapter.resetSelectorHealth();
    const ticket = zendeskAdapter.detectTicket(document, new URL(URL_123))!;
    expect(zendeskAdapter.readContext(ticket, new URL(URL_123)).subject).toBe('Refund not received');
    zendeskAdapter.findComposer(ticket);
    const health = zendeskAdapter.selectorHealth();
    expect(health).toMatchObject({ activeTab: 0, ticketRoot: 0, subject: 2, composer: 0 });
    // Nothing else broke on this page.
    expect(Object.entries(health).filter(([, candidate]) => candidate === null)).toEqual([]);
  });
});

describe('zendesk adapter on older and channel-specific markup', () => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('falls back to the 2021 header, the older pane, Garden tags and interaction-history events', () => {
    loadFixturePage('zendesk/markup-variants.html', 'https://acme.zendesk.com/agent/tickets/321');
    const url = new URL(location.href);
    const ticket = zendeskAdapter.detectTicket(document, url)!;
    expect(ticket.ticketId).toBe('321');
    expect(zendeskAdapter.readContext(ticket, url)).toMatchObject({
      subject: 'Printer offline',
      tags: ['hardware'],
      messages: [{ role: 'customer', author: 'Pat Customer', text: 'The printer has said offline since this morning.' }],
    });
    expect(zendeskAdapter.findComposer(ticket)!.element.closest('.zendesk-editor--rich-text-container')).not.toBeNull();
  });
});
