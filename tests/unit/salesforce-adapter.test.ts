import { afterEach, describe, expect, it, vi } from 'vitest';
import { TicketContext } from '../../lib/contract';
import { salesforceAdapter } from '../../lib/sites/salesforce/adapter';
// @ts-expect-error plain JS fixture module shared with the browser tests
import { startSalesforceApp } from '../fixtures/salesforce-app.js';
import { loadFixturePage } from './fixture-page';

const CASE_URL = 'https://acme.lightning.force.com/lightning/r/Case/5005g00000AbCdEAAV/view';

function open(shadow: boolean) {
  loadFixturePage('salesforce/case-console.html', CASE_URL);
  const app = startSalesforceApp(window, { shadow });
  const ticket = salesforceAdapter.detectTicket(document, new URL(CASE_URL))!;
  return { ...app, ticket };
}

describe.each([
  { variant: 'light DOM (synthetic shadow as an isolated world sees it)', shadow: false },
  { variant: 'native open shadow roots', shadow: true },
])('salesforce adapter, $variant', ({ shadow }) => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('finds the case in the active console tab, not the hidden cached view', () => {
    const { ticket } = open(shadow);
    expect(ticket.ticketId).toBe('5005g00000AbCdEAAV');
    expect(ticket.root.classList.contains('active')).toBe(true);
    expect(salesforceAdapter.ticketIdFromUrl(new URL('https://acme.lightning.force.com/lightning/o/Case/list'))).toBeNull();
  });

  it('reads fields, highlights and the feed', () => {
    const { ticket } = open(shadow);
    const context = salesforceAdapter.readContext(ticket, new URL(CASE_URL));
    expect(TicketContext.safeParse(context).success).toBe(true);
    expect(context).toMatchObject({ platform: 'salesforce', subject: 'Refund not received', requester: { name: 'Jane Customer' }, priority: 'High', status: 'Working' });
    expect(context.messages).toEqual([
      { role: 'customer', author: 'Jane Customer', text: "I still haven't got my refund for the monthly plan." },
      { role: 'internal', author: 'Sam Agent', text: 'Checked the payment provider, refund pending.' },
    ]);
    expect(JSON.stringify(context)).not.toContain('printer on fire');
  });

  it('inserts into the Chatter (Quill) publisher by an HTML paste and confirms the post', async () => {
    const { ticket } = open(shadow);
    const composer = salesforceAdapter.findComposer(ticket)!;
    expect(composer.kind).toBe('quill');
    expect(await salesforceAdapter.insertReply(composer, 'Refund approved.\nNote for the team.')).toEqual({ ok: true, method: 'paste-html' });
    const sent = vi.fn();
    const stop = salesforceAdapter.observeSent(ticket, sent);
    (ticket.root.querySelector('.forceChatterPublisherPresentationDesktop .cuf-publisherShareButton') as HTMLElement).click();
    await vi.waitFor(() => expect(sent).toHaveBeenCalledTimes(1));
    expect(sent.mock.calls[0]![0]).toMatchObject({ text: 'Refund approved.\nNote for the team.', channel: 'internal' });
    stop();
  });

  it('inserts into the email body inside the nested CKEditor 4 iframes when Email is the open tab', async () => {
    const { ticket, emailBody } = open(shadow);
    (ticket.root.querySelector('a[role="tab"][data-target-selection-name="Case.SendEmailTab"]') as HTMLElement).click();
    const composer = salesforceAdapter.findComposer(ticket)!;
    expect(composer.kind).toBe('ckeditor4-iframe');
    expect(composer.element).toBe(emailBody);
    expect(composer.channel).toBe('public');
    expect((await salesforceAdapter.insertReply(composer, 'Hi Jane, the refund is issued.')).ok).toBe(true);
    expect(emailBody.textContent).toContain('Hi Jane, the refund is issued.');
  });
});

describe('salesforce adapter on older feed markup and the case-comment publisher', () => {
  afterEach(() => {
    document.documentElement.innerHTML = '';
  });

  it('reads older feed items and offers the comment textarea when there is no other composer', () => {
    const url = 'https://acme.lightning.force.com/lightning/r/Case/5005g00000XyZwVAAV/view';
    loadFixturePage('salesforce/markup-variants.html', url);
    const ticket = salesforceAdapter.detectTicket(document, new URL(url))!;
    expect(salesforceAdapter.readContext(ticket, new URL(url))).toMatchObject({
      subject: 'Parcel never arrived',
      messages: [{ role: 'customer', author: 'Jane Customer', text: 'My parcel never arrived.' }],
    });
    expect(salesforceAdapter.findComposer(ticket)).toMatchObject({ kind: 'textarea' });
  });
});
