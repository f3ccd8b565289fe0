import type { MessageRole, TicketContext, TicketMessage } from '../../contract';
import { LIMITS } from '../../contract/values';
import { insertThroughEditorApi } from '../ckeditor-bridge-client';
import { clip, elementText, textToHtml } from '../dom-text';
import { ticketContext } from '../ticket-context';
import { insertWithFallbacks, pasteHtml } from '../insert';
import { observeSent } from '../sent-observer';
import { ticketIdInPath, ticketIdOf, TICKET_URLS } from '../ticket-urls';
import { SelectorHealth, cssOf, filled, queryAll, queryFirst } from '../selector-table';
import type { ActiveTicket, Channel, ComposerHandle, HelpdeskAdapter } from '../types';
import { ZENDESK } from './selectors';

const health = new SelectorHealth();

const ticketIdFromUrl = (url: URL) => ticketIdOf('zendesk', url);

function detectTicket(doc: Document, url: URL): ActiveTicket | null {
  // The host was checked before this page got the content script (the helpdesk's own, or a custom site).
  const fromUrl = ticketIdInPath('zendesk', url);
  if (!fromUrl) return null;
  // The URL and the selected tab must agree: during a switch one changes before the other.
  const tab = queryFirst(doc, 'activeTab', ZENDESK.activeTab, health);
  const tabId = tab?.getAttribute('data-entity-id');
  if (tabId && tabId !== fromUrl) return null;
  const root = queryFirst(doc, 'ticketRoot', filled(ZENDESK.ticketRoot, { id: fromUrl }), health);
  if (!root) return null;
  return { platform: 'zendesk', ticketId: fromUrl, root };
}

function roleOf(entry: Element): MessageRole {
  if (queryFirst(entry, 'entryInternalNote', ZENDESK.entryInternalNote)) return 'internal';
  if ((entry.getAttribute('aria-label') ?? '').toLowerCase().startsWith('internal note')) return 'internal';
  const type = queryFirst(entry, 'entryMessage', ZENDESK.entryMessage)?.getAttribute('type');
  if (type === 'end-user') return 'customer';
  if (type === 'agent') return 'agent';
  if (type === 'internal') return 'internal';
  if (type === 'bot' || type === 'system') return 'bot';
  return 'unknown';
}

function messageOf(entry: Element): TicketMessage | null {
  const content = queryFirst(entry, 'entryContent', ZENDESK.entryContent, health) ?? queryFirst(entry, 'entryMessage', ZENDESK.entryMessage);
  if (!content) return null;
  const text = clip(elementText(content, cssOf(ZENDESK.textNoise)));
  if (!text) return null;
  const author = queryFirst(entry, 'entrySender', ZENDESK.entrySender)?.textContent?.trim();
  const datetime = queryFirst(entry, 'entryTime', ZENDESK.entryTime)?.getAttribute('datetime');
  const at = datetime && !Number.isNaN(Date.parse(datetime)) ? new Date(datetime).toISOString() : undefined;
  return { role: roleOf(entry), text, ...(author && { author: clip(author, LIMITS.label) }), ...(at && { at }) };
}

function entries(root: Element): Element[] {
  const log = queryFirst(root, 'logContainer', ZENDESK.logContainer, health) ?? root;
  return queryAll(log, 'logEntry', ZENDESK.logEntry, health);
}

function readContext(ticket: ActiveTicket, url: URL): TicketContext {
  const { root } = ticket;
  const subjectEl = queryFirst(root, 'subject', ZENDESK.subject, health);
  // The subject is an <input>: its value, not its text.
  const subject = ((subjectEl as HTMLInputElement | null)?.value ?? subjectEl?.textContent ?? '').trim();
  const requester = queryFirst(root, 'requester', ZENDESK.requester, health)?.textContent?.trim();
  const status = queryFirst(root, 'status', ZENDESK.status, health)?.textContent?.trim();
  const priority = queryFirst(root, 'priority', ZENDESK.priority, health)?.textContent?.trim();
  const tags = queryAll(root, 'tags', ZENDESK.tags, health)
    .map((t) => elementText(t, ['button']).replace(/\s*×$/, '').trim())
    .filter(Boolean);
  return ticketContext('zendesk', ticket.ticketId, url, { subject, requester, status, priority, tags, messages: entries(root).map(messageOf) });
}

function channelOf(root: Element): Channel {
  const switcher = queryFirst(root, 'channelSwitcher', ZENDESK.channelSwitcher, health);
  if (!switcher) return 'unknown';
  const channel = switcher.getAttribute('data-channel') ?? '';
  const label = (switcher.getAttribute('aria-label') ?? switcher.textContent ?? '').toLowerCase();
  if (channel === 'internal' || label.startsWith('internal')) return 'internal';
  return channel || label ? 'public' : 'unknown';
}

function findComposer(ticket: ActiveTicket): ComposerHandle | null {
  const element = queryFirst(ticket.root, 'composer', ZENDESK.composer, health);
  if (!element) return null;
  return { element, kind: element.classList.contains('ck-editor__editable') ? 'ckeditor5' : 'contenteditable', channel: channelOf(ticket.root), ticketId: ticket.ticketId };
}

const readComposer = (composer: ComposerHandle) => elementText(composer.element);

export const zendeskAdapter: HelpdeskAdapter = {
  platform: 'zendesk',
  matchesHost: (hostname) => TICKET_URLS.zendesk.host.test(hostname),
  ticketIdFromUrl,
  detectTicket,
  readContext,
  findComposer,
  readComposer,
  insertReply(composer, reply) {
    const html = textToHtml(reply);
    // CKEditor 5 owns its model: direct DOM writes and execCommand are undone. Editor API first,
    // then an HTML paste through its clipboard pipeline, then the clipboard.
    return insertWithFallbacks(composer.element, reply, () => readComposer(composer), [
      { method: 'editor-api', run: () => insertThroughEditorApi(composer.element, reply, html) },
      { method: 'paste-html', run: () => pasteHtml(composer.element, reply) },
    ]);
  },
  observeSent(ticket, onSent) {
    return observeSent({
      ticketId: ticket.ticketId,
      targets: [ticket.root],
      isSubmit: (target) => ZENDESK.submit.some((s) => target.closest(s.css) !== null),
      snapshot: () => {
        const composer = findComposer(ticket);
        return composer ? { text: readComposer(composer), channel: composer.channel } : null;
      },
      entries: () => entries(ticket.root).map((node) => ({ node, text: messageOf(node)?.text ?? '' })),
      log: () => queryFirst(ticket.root, 'logContainer', ZENDESK.logContainer) ?? ticket.root,
      onSent,
    });
  },
  selectorHealth: () => health.snapshot(),
  resetSelectorHealth: () => health.reset(),
};
