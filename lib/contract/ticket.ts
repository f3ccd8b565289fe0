import { z } from 'zod';
import { IsoDateTime, Platform, text } from './common';
import { LIMITS } from './values';

export const MessageRole = z.enum(['customer', 'agent', 'internal', 'bot', 'unknown']);
export type MessageRole = z.infer<typeof MessageRole>;

export const TicketMessage = z.strictObject({
  role: MessageRole,
  author: text(LIMITS.label).optional(),
  text: text(LIMITS.longText),
  at: IsoDateTime.optional(),
});
export type TicketMessage = z.infer<typeof TicketMessage>;

/** What a site adapter reads off the ticket page: the input to retrieval and generation. */
export const TicketContext = z.strictObject({
  platform: Platform,
  ticketId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/),
  url: z.url().max(LIMITS.url).optional(),
  subject: text(LIMITS.label).optional(),
  requester: z
    .strictObject({ name: text(LIMITS.label).optional(), email: text(320).optional() })
    .optional(),
  status: text(64).optional(),
  priority: text(64).optional(),
  tags: z.array(text(100)).max(LIMITS.tagsPerTicket).optional(),
  messages: z.array(TicketMessage).max(LIMITS.messagesPerTicket),
});
export type TicketContext = z.infer<typeof TicketContext>;
