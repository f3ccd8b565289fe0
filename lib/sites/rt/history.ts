import type { MessageRole, TicketMessage } from '../../contract';
import { LIMITS } from '../../contract/values';
import { clip, elementText } from '../dom-text';
import { queryAll, queryFirst, type SelectorHealth } from '../selector-table';
import { COMMENT_DESCRIPTION, RT } from './selectors';

/** One transaction of a ticket's history with a message in it. */
export interface RtTransaction {
  id: number;
  node: Element;
  message: TicketMessage | null;
}

/** "root (Enoch Root)" → "Enoch Root"; "Jane Customer <jane@x>" → "Jane Customer" (addresses stay out of the context). */
export function displayName(label: string): string | undefined {
  const real = /\(([^)]+)\)\s*$/.exec(label)?.[1];
  const name = (real ?? label.replace(/<[^>]*>/g, '')).trim();
  return name && !name.includes('@') ? clip(name, LIMITS.label) : undefined;
}

/** The user ids of the ticket's requestors (from the display page's People box). */
export function requestorIds(info: ParentNode, health?: SelectorHealth): Set<string> {
  return new Set(queryAll(info, 'requestor', RT.requestor, health).map((user) => user.getAttribute('data-user-id') ?? ''));
}

/**
 * The history's message transactions, oldest first, told apart as RT records them: written by a
 * requestor (customer correspondence, usually by email), a comment (internal), or a staff reply.
 */
export function transactions(history: ParentNode, requestors: Set<string>, health?: SelectorHealth): RtTransaction[] {
  return queryAll(history, 'transaction', RT.transaction, health).map((node) => {
    const id = Number(node.getAttribute('data-transaction-id'));
    if (!RT.messageClass.some((s) => node.matches(s.css))) return { id, node, message: null };
    const body = queryFirst(node, 'messageBody', RT.messageBody, health);
    const text = body ? clip(elementText(body)) : '';
    if (!text) return { id, node, message: null };
    const user = queryFirst(node, 'author', RT.author, health);
    const description = queryFirst(node, 'description', RT.description)?.textContent ?? '';
    const role: MessageRole = requestors.has(user?.getAttribute('data-user-id') ?? '') ? 'customer' : COMMENT_DESCRIPTION.test(description) ? 'internal' : 'agent';
    const author = user?.textContent ? displayName(user.textContent) : undefined;
    return { id, node, message: { role, text, ...(author && { author }) } };
  });
}
