import type { TicketRef } from '../../../lib/contract';
import { hashRank } from '../batches/examples/sampling';
import { ticketKey } from '../batches/examples/ticket';

/**
 * The frozen eval slice: the same hashed tickets the batches hold out for eval.jsonl at their
 * default share, so a ticket is never trained on by a turn and judged on by a batch, or the other
 * way round. Salted by nothing that changes: a ticket in the slice stays in it.
 */
export const EVAL_SHARE = 0.1;

export const inEvalSlice = (ticket: TicketRef, share = EVAL_SHARE): boolean => hashRank('eval', ticketKey(ticket)) < share;
