import type { TicketContext } from '../../../lib/contract';

/** How much of the customer's latest messages goes into the query. */
const CUSTOMER_MESSAGES = 2;
const MAX_QUERY_CHARS = 3_000;

/** What stage one searches for: the ticket's subject and what the customer said last. */
export interface TicketQuery {
  subject: string;
  body: string;
}

/**
 * The subject and the customer's latest messages, newest first. Agent replies and internal notes
 * are left out: they talk about the answer, not the question, and quote articles already tried.
 * Two messages, because a latest "any news?" says nothing on its own.
 */
export function ticketQuery(context: Pick<TicketContext, 'subject' | 'messages'>): TicketQuery {
  const customer = context.messages.filter((m) => m.role === 'customer' && m.text.trim());
  const chosen = (customer.length > 0 ? customer : context.messages.filter((m) => m.role === 'unknown' && m.text.trim()))
    .slice(-CUSTOMER_MESSAGES)
    .reverse();
  const body = chosen.map((m) => m.text.trim()).join('\n\n').slice(0, MAX_QUERY_CHARS);
  return { subject: (context.subject ?? '').trim(), body };
}

/** The query as one string, as stored with the impression. */
export const queryText = (q: TicketQuery) => [q.subject, q.body].filter(Boolean).join('\n\n');
