import { z } from 'zod';
import { IsoDateTime, Slot, TicketRef, Uuid, Uuid7, nonBlankText, text } from './common';
import { LIMITS } from './values';
import { TicketContext } from './ticket';

export const ProviderKind = z.enum(['extractive', 'openai', 'external']);
export type ProviderKind = z.infer<typeof ProviderKind>;

/** One generated reply, as shown to the agent. */
export const ArmReply = z.strictObject({
  slot: Slot,
  armId: text(64),
  provider: ProviderKind,
  model: text(128),
  promptVersion: text(64),
  text: nonBlankText(LIMITS.longText),
  citedArticleIds: z.array(Uuid).max(LIMITS.shownArticles),
  latencyMs: z.int().min(0).optional(),
});
export type ArmReply = z.infer<typeof ArmReply>;

/** A knowledge article in the shown set (the reranker's top 8). */
export const ShownArticle = z.strictObject({
  id: Uuid,
  externalId: text(256),
  version: z.int().min(1),
  title: text(LIMITS.label),
  snippet: text(LIMITS.shortText),
  url: z.url().max(LIMITS.url).nullable(),
  score: z.number(),
  rank: z.int().min(1).max(LIMITS.shownArticles),
});
export type ShownArticle = z.infer<typeof ShownArticle>;

/** Why an arm or the whole suggestion fell back (a provider failed, timed out, ...). */
export const Degradation = z.strictObject({
  armId: text(64).optional(),
  reason: text(LIMITS.shortText),
});

export const ComponentVersions = z.strictObject({
  retriever: text(64),
  reranker: text(64),
  kb: text(64),
});

/** `POST /v1/suggestions` request: the ticket as the adapter read it. */
export const SuggestionRequest = z.strictObject({
  context: TicketContext,
  /** Whether this ticket was sampled for a pairwise preference (two arms) or shows one arm. */
  pairwise: z.boolean(),
});
export type SuggestionRequest = z.infer<typeof SuggestionRequest>;

/**
 * What the agent saw for one ticket: the replies, the articles behind them and their order.
 * Every annotation points at one, so a batch can rebuild the exact prompt and articles judged.
 */
export const Impression = z
  .strictObject({
    id: Uuid7,
    createdAt: IsoDateTime,
    ticket: TicketRef,
    pairwise: z.boolean(),
    arms: z.array(ArmReply).max(2),
    /** Slots left to right as displayed: two, one (pairwise off or one arm failed) or none (articles only). */
    displayOrder: z.array(Slot).max(2),
    articles: z.array(ShownArticle).max(LIMITS.shownArticles),
    versions: ComponentVersions,
    degraded: z.array(Degradation).max(4),
  })
  .superRefine((imp, ctx) => {
    const slots = imp.arms.map((a) => a.slot).sort();
    const shown = [...imp.displayOrder].sort();
    if (new Set(slots).size !== slots.length) {
      ctx.addIssue({ code: 'custom', path: ['arms'], message: 'must not repeat a slot' });
    }
    if (slots.join() !== shown.join()) {
      ctx.addIssue({ code: 'custom', path: ['displayOrder'], message: 'must list exactly the slots of arms' });
    }
  })
  .describe('arms have distinct slots; displayOrder lists exactly those slots, left to right as displayed.');
export type Impression = z.infer<typeof Impression>;
