import type { TicketContext } from '../../contract';
import { elementText } from '../dom-text';
import { execInsertText, insertWithFallbacks, pasteHtml, setFieldValue, type InsertStrategy } from '../insert';
import { SelectorHealth, queryFirst } from '../selector-table';
import { ticketContext } from '../ticket-context';
import { ticketIdOf } from '../ticket-urls';
import type { ActiveTicket, Channel, ComposerHandle, HelpdeskAdapter, SentEvent } from '../types';
import { requestorIds, transactions, type RtTransaction } from './history';
import { RT } from './selectors';
import { confirmingTransaction, notePendingSend, takePendingSend } from './sent';

const health = new SelectorHealth();

const ticketIdFromUrl = (url: URL) => ticketIdOf('rt', url);
const isUpdatePage = (url: URL) => /\/Ticket\/Update\.html$/.test(url.pathname);
/** RT's WebPath: whatever comes before /Ticket/ (`/rt` on Debian's default Apache setup, empty standalone). */
const webPath = (url: URL) => url.pathname.replace(/\/Ticket\/[^/]+$/, '');

/**
 * The update page shows neither the history nor the requestors: they are fetched from RT the way
 * its own display page gets them (the agent's session cookie, same origin), before the ticket binds.
 */
interface Fetched {
  ticketId: string;
  info: Document;
  history: Document;
}
let fetched: Fetched | null = null;

async function preload(doc: Document, url: URL, signal: AbortSignal): Promise<void> {
  const ticketId = ticketIdFromUrl(url);
  if (!ticketId || !isUpdatePage(url) || fetched?.ticketId === ticketId) return;
  const win = doc.defaultView!;
  const get = async (path: string) => {
    const response = await win.fetch(`${url.origin}${webPath(url)}${path}`, { credentials: 'same-origin', signal });
    if (!response.ok) throw new Error(`RT answered ${response.status} for ${path}`);
    return new win.DOMParser().parseFromString(await response.text(), 'text/html');
  };
  try {
    const [info, history] = await Promise.all([get(`/Ticket/Display.html?id=${ticketId}`), get(`/Helpers/TicketHistory?id=${ticketId}`)]);
    fetched = { ticketId, info, history };
  } catch {
    // Offline or refused: the ticket binds with what the update page itself shows.
    fetched = { ticketId, info: doc, history: doc };
  }
}

/** Where this ticket's facts are: the page itself, or what was fetched for the update page. */
function sources(ticket: ActiveTicket): { info: ParentNode; history: ParentNode } {
  const doc = ticket.root.ownerDocument;
  if (fetched?.ticketId === ticket.ticketId && queryFirst(doc, 'form', RT.form)) return { info: fetched.info, history: fetched.history };
  return { info: doc, history: doc };
}

function detectTicket(doc: Document, url: URL): ActiveTicket | null {
  const ticketId = ticketIdFromUrl(url);
  if (!ticketId) return null;
  const body = queryFirst(doc, 'body', RT.body, health);
  if (!body) return null;
  if (isUpdatePage(url)) {
    if (!queryFirst(doc, 'form', RT.form, health) || fetched?.ticketId !== ticketId) return null;
  } else if (!queryFirst(doc, 'transaction', RT.transaction)) {
    // The display page's history arrives by XHR a moment after the page.
    return null;
  }
  return { platform: 'rt', ticketId, root: body };
}

function historyOf(ticket: ActiveTicket): RtTransaction[] {
  const { info, history } = sources(ticket);
  return transactions(history, requestorIds(info, health), health);
}

function readContext(ticket: ActiveTicket, url: URL): TicketContext {
  const { info } = sources(ticket);
  const heading = queryFirst(ticket.root.ownerDocument, 'heading', RT.heading, health)?.textContent ?? '';
  const subject = /#\d+:\s*(.+)$/s.exec(heading.trim())?.[1]?.trim();
  const status = queryFirst(info, 'status', RT.status, health)?.textContent?.trim();
  const priority = queryFirst(info, 'priority', RT.priority, health)?.textContent?.trim();
  const requestor = queryFirst(info, 'requestor', RT.requestor)?.textContent ?? '';
  const requester = requestor.replace(/<[^>]*>/g, '').trim() || undefined;
  return ticketContext('rt', ticket.ticketId, url, { subject, requester, status, priority, messages: historyOf(ticket).map((t) => t.message) });
}

function channelOf(doc: ParentNode): Channel {
  const type = queryFirst<HTMLSelectElement>(doc, 'updateType', RT.updateType, health)?.value;
  return type === 'response' ? 'public' : type === 'private' ? 'internal' : 'unknown';
}

function findComposer(ticket: ActiveTicket): ComposerHandle | null {
  const doc = ticket.root.ownerDocument;
  if (!queryFirst(doc, 'form', RT.form)) return null;
  const channel = channelOf(doc);
  const frame = queryFirst<HTMLIFrameElement>(doc, 'editorFrame', RT.editorFrame, health);
  const body = frame?.contentDocument ? queryFirst(frame.contentDocument, 'editorBody', RT.editorBody, health) : null;
  if (body) return { element: body, kind: 'ckeditor4-iframe', channel, ticketId: ticket.ticketId };
  const textarea = queryFirst<HTMLTextAreaElement>(doc, 'textarea', RT.textarea, health);
  if (textarea && textarea.style.display !== 'none') return { element: textarea, kind: 'textarea', channel, ticketId: ticket.ticketId };
  return null;
}

function readComposer(composer: ComposerHandle): string {
  if (composer.kind === 'textarea') return (composer.element as HTMLTextAreaElement).value.trim();
  // RT's CKEditor shows "Type your message here" in the empty body, marked with this class.
  return composer.element.classList.contains('placeholder') ? '' : elementText(composer.element);
}

function strategies(composer: ComposerHandle, reply: string): InsertStrategy[] {
  const el = composer.element;
  if (composer.kind === 'textarea') return [{ method: 'dom-events', run: () => setFieldValue(el as HTMLTextAreaElement, reply) }];
  // CKEditor 4 runs a paste through its own clipboard handling (and drops the placeholder first).
  return [
    { method: 'paste-html', run: () => pasteHtml(el, reply) },
    { method: 'exec-command', run: () => execInsertText(el, reply) },
  ];
}

/**
 * On the update page: note what the agent submits. On the page RT shows next: report it once the
 * history has the new transaction (lib/sites/rt/sent.ts).
 */
function observeSent(ticket: ActiveTicket, onSent: (event: SentEvent) => void): () => void {
  const doc = ticket.root.ownerDocument;
  const win = doc.defaultView!;
  const form = queryFirst<HTMLFormElement>(doc, 'form', RT.form);
  if (form) {
    let via: SentEvent['via'] = 'keyboard';
    const onClick = (event: Event) => {
      if (RT.submit.some((s) => (event.target as Element | null)?.closest?.(s.css))) via = 'submit-click';
    };
    const onSubmit = () => {
      const composer = findComposer(ticket);
      const text = composer ? readComposer(composer) : '';
      if (!composer || !text) return;
      const after = Math.max(0, ...historyOf(ticket).map((t) => t.id));
      notePendingSend(win, { ticketId: ticket.ticketId, text, channel: composer.channel, after, at: Date.now(), via });
    };
    form.addEventListener('click', onClick, true);
    form.addEventListener('submit', onSubmit, true);
    return () => {
      form.removeEventListener('click', onClick, true);
      form.removeEventListener('submit', onSubmit, true);
    };
  }
  const pending = takePendingSend(win, ticket.ticketId);
  if (!pending) return () => {};
  let done = false;
  const check = () => {
    const confirmed = done ? null : confirmingTransaction(pending, historyOf(ticket));
    if (!confirmed) return;
    done = true;
    stop();
    onSent({ ticketId: ticket.ticketId, text: pending.text, channel: pending.channel, at: pending.at, via: pending.via });
  };
  // Usually there already; RT may still be loading the history.
  const observer = new MutationObserver(check);
  observer.observe(ticket.root, { childList: true, subtree: true });
  const timer = setTimeout(() => stop(), 30_000);
  const stop = () => {
    observer.disconnect();
    clearTimeout(timer);
  };
  queueMicrotask(check);
  return stop;
}

export const rtAdapter: HelpdeskAdapter = {
  platform: 'rt',
  // RT has no hosts of its own: it runs only on the custom sites an admin or agent names.
  matchesHost: () => false,
  ticketIdFromUrl,
  preload,
  detectTicket,
  readContext,
  findComposer,
  readComposer,
  insertReply: (composer, reply) => insertWithFallbacks(composer.element, reply, () => readComposer(composer), strategies(composer, reply)),
  observeSent,
  selectorHealth: () => health.snapshot(),
  resetSelectorHealth: () => health.reset(),
};
