import { z } from 'zod';
import { ComponentVersions } from './impression';

/**
 * One labelled ticket of an offline evaluation set (one JSON object per line of a JSONL file):
 * the ticket as a customer wrote it and the external ids of the articles that answer it. An empty
 * `relevant` list marks a ticket no article answers (a knowledge gap); it is not scored.
 */
export const LabelledTicket = z.strictObject({
  ticketId: z.string().min(1).max(64),
  subject: z.string().max(500).optional(),
  messages: z
    .array(z.strictObject({ role: z.enum(['customer', 'agent']), text: z.string().max(20_000) }))
    .min(1)
    .max(200),
  relevant: z.array(z.string().min(1).max(256)).max(75),
});
export type LabelledTicket = z.infer<typeof LabelledTicket>;

/** `aitl eval --json`: DESIGN.md's offline retrieval metrics, averaged over tickets with labels. */
export const EvalReport = z.strictObject({
  'recall@75': z.number().min(0).max(1),
  'precision@8': z.number().min(0).max(1),
  /** Tickets scored (those with at least one relevant article). */
  tickets: z.int().min(0),
  versions: ComponentVersions,
});
export type EvalReport = z.infer<typeof EvalReport>;
