import type { Platform, TicketContext, TicketMessage } from '../contract';
import { LIMITS } from '../contract/values';
import { clip } from './dom-text';

export interface ReadFields {
  subject?: string | undefined;
  requester?: string | undefined;
  status?: string | undefined;
  priority?: string | undefined;
  tags?: string[];
  /** Oldest first; may contain nulls for entries without readable text. */
  messages: (TicketMessage | null)[];
}

/**
 * What an adapter read, as the contract's TicketContext: empty fields left out, every string
 * clipped to the contract's limits, the newest messages kept when there are too many.
 */
export function ticketContext(platform: Platform, ticketId: string, url: URL, read: ReadFields): TicketContext {
  const { subject, requester, status, priority } = read;
  const tags = [...new Set((read.tags ?? []).filter(Boolean).map((t) => clip(t, 100)))].slice(0, LIMITS.tagsPerTicket);
  return {
    platform,
    ticketId,
    url: clip(`${url.origin}${url.pathname}`, LIMITS.url),
    ...(subject && { subject: clip(subject, LIMITS.label) }),
    ...(requester && { requester: { name: clip(requester, LIMITS.label) } }),
    ...(status && { status: clip(status, 64) }),
    ...(priority && { priority: clip(priority, 64) }),
    ...(tags.length > 0 && { tags }),
    messages: read.messages.filter((m): m is TicketMessage => m !== null).slice(-LIMITS.messagesPerTicket),
  };
}
