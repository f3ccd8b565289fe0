import type { MessageRole, TicketContext, TicketMessage } from '../../contract';
import { LIMITS } from '../../contract/values';
import { deepRoot } from '../deep-query';
import { clip, elementText } from '../dom-text';
import { ticketContext } from '../ticket-context';
import { appendParagraphs, execInsertText, insertWithFallbacks, pasteHtml, setFieldValue, type InsertStrategy } from '../insert';
import { observeSent } from '../sent-observer';
import { ticketIdInPath, ticketIdOf, TICKET_URLS } from '../ticket-urls';
import { SelectorHealth, filled, queryAll, queryFirst } from '../selector-table';
import type { ActiveTicket, ComposerHandle, HelpdeskAdapter } from '../types';
import { SALESFORCE } from './selectors';

const health = new SelectorHealth();

const ticketIdFromUrl = (url: URL) => ticketIdOf('salesforce', url);

function isShown(el: Element): boolean {
  for (let node: Element | null = el; node; node = node.parentElement) {
    if ((node as HTMLElement).hidden || (node as HTMLElement).style?.display === 'none') return false;
  }
  return true;
}

function detectTicket(doc: Document, url: URL): ActiveTicket | null {
  // The host was checked before this page got the content script (the helpdesk's own, or a custom site).
  const ticketId = ticketIdInPath('salesforce', url);
  if (!ticketId) return null;
  // Cached views of earlier cases stay mounted; only the active, shown pane is this case.
  for (const [candidate, selector] of SALESFORCE.activePane.entries()) {
    const pane = [...doc.querySelectorAll(selector.css)].find(isShown);
    if (pane) {
      health.record('activePane', candidate);
      return { platform: 'salesforce', ticketId, root: pane };
    }
  }
  health.record('activePane', null);
  return null;
}

function fieldText(root: ParentNode, label: string): string | undefined {
  const deep = deepRoot(root);
  const item = queryFirst(deep, `field:${label}`, filled(SALESFORCE.field, { label }), health);
  if (!item) return undefined;
  // The value may sit in the item's own shadow root (native shadow) or in its light DOM.
  const scope = deepRoot(item.shadowRoot ?? item);
  const value = queryFirst(scope, 'fieldValue', SALESFORCE.fieldValue) ?? queryFirst(deepRoot(item), 'fieldValue', SALESFORCE.fieldValue);
  const text = value ? elementText(value) : '';
  return text || undefined;
}

function highlightText(root: ParentNode, label: string): string | undefined {
  for (const item of queryAll(deepRoot(root), 'highlightsItem', SALESFORCE.highlightsItem, health)) {
    const scope = deepRoot(item.shadowRoot ?? item);
    const title = queryFirst(scope, 'highlightsLabel', SALESFORCE.highlightsLabel);
    if (title?.textContent?.trim().toLowerCase() !== label.toLowerCase()) continue;
    const value = queryFirst(scope, 'highlightValue', SALESFORCE.highlightValue);
    const text = value ? elementText(value) : '';
    if (text) return text;
  }
  return undefined;
}

function feedItems(root: ParentNode): Element[] {
  return queryAll(deepRoot(root), 'feedItem', SALESFORCE.feedItem, health);
}

function roleOf(item: Element, authorHref: string): MessageRole {
  if (/\/lightning\/r\/Contact\//.test(authorHref)) return 'customer';
  if (/\/lightning\/r\/User\//.test(authorHref)) return item.getAttribute('data-type') === 'TextPost' ? 'internal' : 'agent';
  return 'unknown';
}

function messageOf(item: Element): TicketMessage | null {
  const scope = deepRoot(item);
  const body = queryFirst(scope, 'feedBody', SALESFORCE.feedBody, health);
  const text = body ? clip(elementText(body)) : '';
  if (!text) return null;
  const author = queryFirst(scope, 'feedAuthor', SALESFORCE.feedAuthor);
  const name = author?.textContent?.trim();
  return { role: roleOf(item, author?.getAttribute('href') ?? ''), text, ...(name && { author: clip(name, LIMITS.label) }) };
}

function readContext(ticket: ActiveTicket, url: URL): TicketContext {
  const { root } = ticket;
  const subject = fieldText(root, 'Subject');
  const requester = fieldText(root, 'Contact Name');
  const status = fieldText(root, 'Status') ?? highlightText(root, 'Status');
  const priority = highlightText(root, 'Priority') ?? fieldText(root, 'Priority');
  // Feed order as displayed (the fixture's and a default case feed's: oldest first).
  return ticketContext('salesforce', ticket.ticketId, url, { subject, requester, status, priority, messages: feedItems(root).map(messageOf) });
}

/** The email body: CKEditor 4 inside two same-origin iframes ("CK Editor Container" > "Email Body"). */
function emailBody(root: ParentNode): HTMLElement | null {
  const outer = queryFirst<HTMLIFrameElement>(deepRoot(root), 'emailOuterFrame', SALESFORCE.emailOuterFrame, health);
  const outerDoc = outer?.contentDocument;
  if (!outerDoc) return null;
  const inner = queryFirst<HTMLIFrameElement>(outerDoc, 'emailBodyFrame', SALESFORCE.emailBodyFrame, health);
  const innerDoc = inner?.contentDocument;
  return innerDoc ? queryFirst(innerDoc, 'emailBody', SALESFORCE.emailBody, health) : null;
}

function findComposer(ticket: ActiveTicket): ComposerHandle | null {
  const deep = deepRoot(ticket.root);
  const selectedTab = queryFirst(deep, 'publisherTabSelected', SALESFORCE.publisherTabSelected)?.textContent?.trim().toLowerCase();
  const email = emailBody(ticket.root);
  const quill = queryFirst(deep, 'quill', SALESFORCE.quill, health);
  // The publisher tab the agent has open decides; emails go to the customer, Chatter posts stay internal.
  if (email && (selectedTab === 'email' || !quill)) return { element: email, kind: 'ckeditor4-iframe', channel: 'public', ticketId: ticket.ticketId };
  if (quill) return { element: quill, kind: 'quill', channel: 'internal', ticketId: ticket.ticketId };
  const textarea = queryFirst(deep, 'textarea', SALESFORCE.textarea);
  if (textarea) return { element: textarea, kind: 'textarea', channel: 'unknown', ticketId: ticket.ticketId };
  return null;
}

function readComposer(composer: ComposerHandle): string {
  return composer.kind === 'textarea' ? (composer.element as HTMLTextAreaElement).value.trim() : elementText(composer.element);
}

function strategies(composer: ComposerHandle, reply: string): InsertStrategy[] {
  const el = composer.element;
  switch (composer.kind) {
    case 'textarea':
      return [{ method: 'dom-events', run: () => setFieldValue(el as HTMLTextAreaElement, reply) }];
    case 'ckeditor4-iframe':
      return [
        { method: 'paste-html', run: () => pasteHtml(el, reply) },
        { method: 'exec-command', run: () => execInsertText(el, reply) },
      ];
    default:
      // Quill runs pastes through its clipboard module and re-reads its DOM on mutation.
      return [
        { method: 'paste-html', run: () => pasteHtml(el, reply) },
        { method: 'dom-events', run: () => appendParagraphs(el, reply) },
      ];
  }
}

export const salesforceAdapter: HelpdeskAdapter = {
  platform: 'salesforce',
  matchesHost: (hostname) => TICKET_URLS.salesforce.host.test(hostname),
  ticketIdFromUrl,
  detectTicket,
  readContext,
  findComposer,
  readComposer,
  // An unknown composer (e.g. the newer "Lightning Editor") gets the reply on the clipboard.
  insertReply: (composer, reply) => insertWithFallbacks(composer.element, reply, () => readComposer(composer), strategies(composer, reply)),
  observeSent(ticket, onSent) {
    const bodyDoc = emailBody(ticket.root)?.ownerDocument;
    return observeSent({
      ticketId: ticket.ticketId,
      targets: bodyDoc ? [ticket.root, bodyDoc] : [ticket.root],
      isSubmit: (target) => SALESFORCE.submit.some((s) => target.closest(s.css) !== null),
      snapshot: () => {
        const composer = findComposer(ticket);
        return composer ? { text: readComposer(composer), channel: composer.channel } : null;
      },
      entries: () => feedItems(ticket.root).map((node) => ({ node, text: messageOf(node)?.text ?? '' })),
      log: () => ticket.root,
      onSent,
    });
  },
  selectorHealth: () => health.snapshot(),
  resetSelectorHealth: () => health.reset(),
};
