import { v7 as uuidv7 } from 'uuid';
import type { Impression } from '../../lib/contract';
import impressionExample from '../../lib/contract/examples/impression.json';
import type { SessionTransport } from '../../lib/overlay/ticket-session';
import type { ActiveTicket, HelpdeskAdapter } from '../../lib/sites/types';

/** An adapter double for one ticket: the panel and the session never reach a helpdesk DOM through it. */
export function adapterFor(ticketId: string): HelpdeskAdapter {
  return {
    platform: 'zendesk',
    matchesHost: () => true,
    ticketIdFromUrl: () => ticketId,
    detectTicket: () => null,
    readContext: () => ({ platform: 'zendesk', ticketId, subject: `Ticket ${ticketId}`, messages: [] }),
    findComposer: () => ({ element: document.createElement('div'), kind: 'contenteditable', channel: 'public', ticketId }),
    readComposer: () => '',
    insertReply: async () => ({ ok: true, method: 'paste-html' }),
    observeSent: () => () => {},
    selectorHealth: () => ({}),
    resetSelectorHealth: () => {},
  };
}

export const ticketOf = (ticketId: string): ActiveTicket => ({ platform: 'zendesk', ticketId, root: document.body });
export const urlOf = (ticketId: string) => new URL(`https://acme.zendesk.com/agent/tickets/${ticketId}`);

export const impressionFor = (ticketId: string): Impression => ({ ...(impressionExample as Impression), id: uuidv7(), ticket: { platform: 'zendesk', ticketId } });

type SuggestReply = Awaited<ReturnType<SessionTransport['suggest']>>;

/** A transport whose suggestion replies are scripted in order (the last one repeats); it counts the asks. */
export function scriptedTransport(replies: ((ticketId: string) => SuggestReply)[]) {
  const asked: { ticketId: string; at: number }[] = [];
  const transport: SessionTransport = {
    suggest: async (context) => {
      asked.push({ ticketId: context.ticketId, at: Date.now() });
      return replies[Math.min(asked.length - 1, replies.length - 1)]!(context.ticketId);
    },
    capture: async () => ({ ok: true }),
    amend: async () => ({ ok: true }),
  };
  return { transport, asked };
}

export const ok = (ticketId: string): SuggestReply => ({ ok: true, impression: impressionFor(ticketId) });
export const busy =
  (retryAfterMs?: number) =>
  (): SuggestReply => ({ ok: false, error: { code: 'http_503', message: 'the backend answered 503 (model queue full)', ...(retryAfterMs !== undefined && { retryAfterMs }) } });
