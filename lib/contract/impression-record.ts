import { z } from 'zod';
import { Slot, Uuid, text } from './common';
import { LIMITS } from './values';
import { Impression, ProviderKind } from './impression';
import { TicketContext } from './ticket';

/** A first-stage candidate as stored with an impression (rank = position in the list). */
export const RetrievalCandidate = z.strictObject({
  id: Uuid,
  version: z.int().min(1),
  score: z.number(),
});
export type RetrievalCandidate = z.infer<typeof RetrievalCandidate>;

export const ChatMessage = z.strictObject({
  role: z.enum(['system', 'user', 'assistant']),
  content: z.string(),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

/** What one arm did for an impression, shown or not (a failed arm, a fallback). */
export const ArmRun = z.strictObject({
  /** The slot its reply filled; null when it produced none. */
  slot: Slot.nullable(),
  armId: text(64),
  provider: ProviderKind,
  model: text(128),
  promptVersion: text(64),
  status: z.enum(['ok', 'failed', 'timeout']),
  latencyMs: z.int().min(0),
  error: z.string().optional(),
  /** Chat arms: the exact messages sent, so a batch can rebuild the prompt. */
  prompt: z.array(ChatMessage).optional(),
});
export type ArmRun = z.infer<typeof ArmRun>;

/** Everything stored about an impression (`GET /v1/suggestions/:id/record`, operators). */
export const ImpressionRecord = z.strictObject({
  impression: Impression,
  /** The agent (token name) it was shown to. */
  agent: z.string(),
  context: TicketContext,
  /** The retrieval query built from the ticket. */
  query: z.string(),
  /** The first-stage candidates in rank order (up to 75). */
  candidates: z.array(RetrievalCandidate).max(LIMITS.candidates),
  generation: z.array(ArmRun),
});
export type ImpressionRecord = z.infer<typeof ImpressionRecord>;
