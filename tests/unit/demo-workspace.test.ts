import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adapterForCustomSite } from '../../lib/sites';

/**
 * The demo helpdesk's page (served by aitl serve --demo) as the extension sees it: the Zendesk
 * adapter, unchanged, finds the active ticket, reads its conversation and composer; ticket text
 * that looks like markup stays text.
 */
const ASSETS = path.resolve(import.meta.dirname, '../../server/src/routes/demo-helpdesk/assets');
const HOSTILE = '<img src=x onerror="window.__aitlPwned=1"> refund <script>window.__aitlPwned=2</script>';
const TICKETS = [
  { ticketId: '50001', subject: 'Refund for annual plan', requester: 'Maya Lindqvist', messages: [{ role: 'customer', author: 'Maya Lindqvist', text: 'Can I get a refund please?', at: '2026-12-01T10:00:00Z' }] },
  {
    ticketId: '50016',
    subject: HOSTILE,
    requester: '<b onmouseover=alert(1)>Mallory</b>',
    messages: [
      { role: 'customer', author: '<b onmouseover=alert(1)>Mallory</b>', text: `Does it work with Apple Home?\n${HOSTILE}`, at: '2026-12-01T10:00:00Z' },
      { role: 'agent', author: 'Demo Agent', text: 'Which hub model do you have?', at: '2026-12-01T10:05:00Z' },
    ],
  },
];

async function openWorkspace(url: string) {
  (window as unknown as { happyDOM: { setURL(url: string): void } }).happyDOM.setURL(url);
  const html = fs.readFileSync(path.join(ASSETS, 'workspace.html'), 'utf8');
  document.documentElement.innerHTML = html.replace(/^[\s\S]*?<html[^>]*>/i, '').replace(/<\/html>\s*$/i, '').replace(/<script[^>]*><\/script>/g, '');
  vi.stubGlobal('fetch', async (input: string) => {
    expect(input).toBe('/demo/tickets.json');
    return new Response(JSON.stringify({ tickets: TICKETS }), { headers: { 'content-type': 'application/json' } });
  });
  vi.resetModules();
  // @ts-expect-error plain JS page script, served as is
  await import('../../server/src/routes/demo-helpdesk/assets/workspace.js');
  await vi.waitFor(() => expect(document.querySelectorAll('.ticket-panes-grid-layout')).toHaveLength(2));
}

const zendesk = adapterForCustomSite('zendesk');

describe('the demo helpdesk page', () => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
    vi.unstubAllGlobals();
  });

  it('is read by the Zendesk adapter: the URL ticket, its conversation, its reply box', async () => {
    await openWorkspace('http://127.0.0.1:8788/agent/tickets/50001');
    const url = new URL(location.href);
    expect(zendesk.ticketIdFromUrl(url)).toBe('50001');
    const ticket = zendesk.detectTicket(document, url)!;
    expect(ticket).toMatchObject({ platform: 'zendesk', ticketId: '50001' });
    const context = zendesk.readContext(ticket, url);
    expect(context).toMatchObject({ subject: 'Refund for annual plan', requester: { name: 'Maya Lindqvist' } });
    expect(context.messages).toEqual([expect.objectContaining({ role: 'customer', author: 'Maya Lindqvist', text: 'Can I get a refund please?', at: '2026-12-01T10:00:00.000Z' })]);
    expect(zendesk.findComposer(ticket)).toMatchObject({ kind: 'ckeditor5', channel: 'public', ticketId: '50001' });
  });

  it('switches tickets without a reload, and the adapter follows', async () => {
    await openWorkspace('http://127.0.0.1:8788/agent/tickets/50001');
    (document.querySelector('a[data-entity-id="50016"]') as HTMLElement).click();
    expect(location.pathname).toBe('/agent/tickets/50016');
    await vi.waitFor(() => expect(document.querySelector('a[aria-current="page"]')?.getAttribute('data-entity-id')).toBe('50016'));
    const url = new URL(location.href);
    const ticket = zendesk.detectTicket(document, url)!;
    expect(ticket.ticketId).toBe('50016');
    expect(zendesk.readContext(ticket, url).messages.map((m) => m.role)).toEqual(['customer', 'agent']);
  });

  it('renders ticket text as text', async () => {
    await openWorkspace('http://127.0.0.1:8788/agent/tickets/50016');
    await vi.waitFor(() => expect(document.querySelector('.ticket-panes-grid-layout.active')).not.toBeNull());
    expect(document.querySelectorAll('main img, main script, main b, [onerror], [onmouseover]')).toHaveLength(0);
    const pane = document.querySelector('[data-ticket-id="50016"]')!;
    expect(pane.querySelector('[data-test-id="omni-log-message-content"]')!.textContent).toContain(HOSTILE);
    expect((pane.querySelector('input[data-test-id="omni-header-subject"]') as HTMLInputElement).value).toBe(HOSTILE);
    expect(document.querySelector('a[data-entity-id="50016"]')!.textContent).toContain(HOSTILE);
  });

  it('inserts a pasted reply as plain paragraphs and adds a sent one to the conversation', async () => {
    await openWorkspace('http://127.0.0.1:8788/agent/tickets/50001');
    const pane = document.querySelector('[data-ticket-id="50001"]')!;
    const editable = pane.querySelector('[data-test-id="omnicomposer-rich-text-ckeditor"]') as HTMLElement;
    const data = new DataTransfer();
    data.setData('text/plain', 'Hello Maya,\n<b>refund</b> is on its way.');
    data.setData('text/html', '<p>Hello Maya,</p><p><b>refund</b> is on its way.</p>');
    editable.dispatchEvent(new ClipboardEvent('paste', { bubbles: true, cancelable: true, clipboardData: data }));
    expect([...editable.querySelectorAll('p')].map((p) => p.textContent)).toEqual(['Hello Maya,', '<b>refund</b> is on its way.']);
    expect(editable.querySelector('b')).toBeNull();
    (pane.querySelector('[data-test-id="submit_button-button"]') as HTMLElement).click();
    await vi.waitFor(() => expect(pane.querySelectorAll('article')).toHaveLength(2));
    const sent = pane.querySelectorAll('article')[1]!;
    expect(sent.querySelector('[data-test-id="omni-log-item-message"]')!.getAttribute('type')).toBe('agent');
    expect(sent.querySelector('[data-test-id="omni-log-message-content"]')!.textContent).toBe('Hello Maya,<b>refund</b> is on its way.');
    expect(editable.textContent).toBe('');
  });
});
