import { afterEach, describe, expect, it, vi } from 'vitest';
import { TicketContext } from '../../lib/contract';
import { adapterForCustomSite } from '../../lib/sites';
import { notePendingSend } from '../../lib/sites/rt/sent';
import { fixtureHtml } from './fixture-page';
import { openRtPage, RT_ORIGIN, RT_TICKET, serveRtPages } from './rt-pages';

// The pages were saved from a real RT 5 (tests/rt/save-rt-fixtures.ts); RT runs on a custom site.
const rt = adapterForCustomSite('rt');
const DISPLAY = `/Ticket/Display.html?id=${RT_TICKET.id}`;
const RESPOND = `/Ticket/Update.html?id=${RT_TICKET.id}&Action=Respond`;
const COMMENT = `/Ticket/Update.html?id=${RT_TICKET.id}&Action=Comment`;
const HISTORY = [
  { role: 'customer', author: 'Jane Customer', text: RT_TICKET.question },
  { role: 'agent', author: 'Enoch Root', text: RT_TICKET.reply },
  { role: 'internal', author: 'Enoch Root', text: RT_TICKET.comment },
];

async function bind(path: string) {
  const url = new URL(`${RT_ORIGIN}${path}`);
  await rt.preload?.(document, url, new AbortController().signal);
  return { url, ticket: rt.detectTicket(document, url) };
}

describe('rt adapter, on pages saved from a real RT 5', () => {
  let unserve = () => {};
  afterEach(() => {
    unserve();
    sessionStorage.clear();
    document.documentElement.innerHTML = '';
  });

  it('reads ticket ids from RT URLs on any host, under a WebPath too, and nothing else', () => {
    expect(rt.ticketIdFromUrl(new URL('https://rt.example.com/Ticket/Display.html?id=42'))).toBe('42');
    expect(rt.ticketIdFromUrl(new URL('https://support.example.org/rt/Ticket/Update.html?id=7&Action=Comment'))).toBe('7');
    expect(rt.ticketIdFromUrl(new URL('https://rt.example.com/Search/Results.html?id=42'))).toBeNull();
    expect(rt.ticketIdFromUrl(new URL('https://rt.example.com/Ticket/Display.html?id=x'))).toBeNull();
    // RT has no hosts of its own: only a custom site gets it.
    expect(rt.ticketIdFromUrl(new URL('https://rt.example.com/Ticket/Display.html'))).toBeNull();
  });

  it('binds on the display page once RT has loaded the history, and reads who wrote what', async () => {
    openRtPage('rt/display.html', DISPLAY);
    const { url, ticket } = await bind(DISPLAY);
    expect(ticket).toMatchObject({ platform: 'rt', ticketId: RT_TICKET.id });
    const context = rt.readContext(ticket!, url);
    expect(TicketContext.safeParse(context).success).toBe(true);
    expect(context).toMatchObject({ platform: 'rt', subject: RT_TICKET.subject, status: 'open', priority: 'Low', requester: { name: 'Jane Customer' } });
    expect(context.messages).toEqual(HISTORY);
    // Field changes and outgoing-mail records are not messages; email addresses stay out.
    expect(JSON.stringify(context)).not.toContain('@customer.example');
    expect(rt.findComposer(ticket!)).toBeNull();
  });

  it('waits on the display page while the history is still loading', async () => {
    openRtPage('rt/display.html', DISPLAY);
    for (const t of document.querySelectorAll('.history-container .transaction')) t.remove();
    expect((await bind(DISPLAY)).ticket).toBeNull();
  });

  it('on the reply page fetches the history it does not show, finds CKEditor 4 and the channel', async () => {
    unserve = serveRtPages();
    openRtPage('rt/update-respond.html', RESPOND);
    const { url, ticket } = await bind(RESPOND);
    expect(ticket).not.toBeNull();
    expect(rt.readContext(ticket!, url).messages).toEqual(HISTORY);
    const composer = rt.findComposer(ticket!)!;
    expect(composer).toMatchObject({ kind: 'ckeditor4-iframe', channel: 'public' });
    expect(composer.element.tagName).toBe('BODY');
    // RT's placeholder ("Type your message here") is not text the agent wrote.
    expect(composer.element.textContent).toContain('Type your message here');
    expect(rt.readComposer(composer)).toBe('');
  });

  it('tells a comment form from a reply form', async () => {
    unserve = serveRtPages();
    openRtPage('rt/update-comment.html', COMMENT);
    const { ticket } = await bind(COMMENT);
    expect(rt.findComposer(ticket!)).toMatchObject({ kind: 'ckeditor4-iframe', channel: 'internal' });
  });

  it('falls back to the textarea when rich text is off', async () => {
    unserve = serveRtPages();
    openRtPage('rt/update-respond.html', RESPOND);
    document.querySelector('#cke_UpdateContent')!.remove();
    (document.querySelector('#UpdateContent') as HTMLTextAreaElement).style.display = '';
    const { ticket } = await bind(RESPOND);
    const composer = rt.findComposer(ticket!)!;
    expect(composer.kind).toBe('textarea');
    expect(await rt.insertReply(composer, 'Hello Jane,\npair the chime again.')).toEqual({ ok: true, method: 'dom-events' });
    expect(rt.readComposer(composer)).toBe('Hello Jane,\npair the chime again.');
  });

  it('notes what Update Ticket submits, and reports it only when the next page shows the new transaction', async () => {
    unserve = serveRtPages();
    openRtPage('rt/update-comment.html', COMMENT);
    const { ticket } = await bind(COMMENT);
    const body = rt.findComposer(ticket!)!.element;
    body.classList.remove('placeholder');
    body.textContent = RT_TICKET.comment;
    const onUpdatePage = vi.fn();
    const stop = rt.observeSent(ticket!, onUpdatePage);
    const form = document.querySelector('form[name="TicketUpdate"]')!;
    form.addEventListener('submit', (e) => e.preventDefault());
    (form.querySelector('input[name="SubmitTicket"]') as HTMLInputElement).click();
    stop();
    expect(onUpdatePage).not.toHaveBeenCalled();
    const noted = JSON.parse(sessionStorage.getItem('aitl:rt:pending-send')!);
    // `after`: the newest transaction of the history the page fetched (what the agent had seen).
    const history = new DOMParser().parseFromString(fixtureHtml('rt/history.html'), 'text/html');
    const newest = Math.max(...[...history.querySelectorAll('.transaction')].map((t) => Number(t.getAttribute('data-transaction-id'))));
    expect(noted).toEqual({ ticketId: RT_TICKET.id, text: RT_TICKET.comment, channel: 'internal', via: 'submit-click', after: newest, at: expect.any(Number) });
    unserve();

    // The history that page saw ends with the comment; as if it had been the one just sent:
    const sent = vi.fn();
    openRtPage('rt/display.html', DISPLAY);
    const commentTxn = Number([...document.querySelectorAll('.transaction.message')].at(-1)!.getAttribute('data-transaction-id'));
    notePendingSend(window, { ...noted, after: commentTxn - 1 });
    const shown = await bind(DISPLAY);
    rt.observeSent(shown.ticket!, sent);
    await vi.waitFor(() => expect(sent).toHaveBeenCalledTimes(1));
    expect(sent.mock.calls[0]![0]).toMatchObject({ ticketId: RT_TICKET.id, text: RT_TICKET.comment, channel: 'internal' });
    // Taken once: a reload does not report it again.
    expect(sessionStorage.getItem('aitl:rt:pending-send')).toBeNull();
  });

  it('never reports a send that added no transaction (RT refused the form)', async () => {
    openRtPage('rt/display.html', DISPLAY);
    const newest = Math.max(...[...document.querySelectorAll('.transaction')].map((t) => Number(t.getAttribute('data-transaction-id'))));
    notePendingSend(window, { ticketId: RT_TICKET.id, text: RT_TICKET.comment, channel: 'internal', after: newest, at: Date.now(), via: 'submit-click' });
    const sent = vi.fn();
    const { ticket } = await bind(DISPLAY);
    const stop = rt.observeSent(ticket!, sent);
    await new Promise((r) => setTimeout(r, 50));
    stop();
    expect(sent).not.toHaveBeenCalled();
  });
});
