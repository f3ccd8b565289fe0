import { hash } from 'node:crypto';
import type { TicketContext, TicketRef } from '../../../../lib/contract';
import { memoized } from './memo';

/** One key per helpdesk ticket: what per-ticket caps and the eval hold-out are counted by. */
export const ticketKey = (ticket: TicketRef) => `${ticket.platform}:${ticket.ticketId}`;

const pseudonymOf = memoized((key: string) => hash('sha256', key, 'hex').slice(0, 16));

/** A ticket's pseudonym in batch files: enough to group and trace, not the helpdesk id. */
export const ticketPseudonym = (tenantId: string, platform: string, ticketId: string) => pseudonymOf(`${tenantId}:${platform}:${ticketId}`);

/** The customer's question for retrieval rows: the subject and the last customer message. */
export function ticketQuery(context: TicketContext | null): string {
  const lastCustomer = [...(context?.messages ?? [])].reverse().find((m) => m.role === 'customer' && m.text.trim() !== '');
  return [context?.subject, lastCustomer?.text].filter((s): s is string => !!s && s.trim() !== '').join('\n');
}
