import { z } from 'zod';
import { Uuid, Uuid7, nonBlankText, text } from './common';
import { LIMITS } from './values';
import { ShownArticle } from './impression';
import { TicketContext } from './ticket';

/** An article as handed to a generator: the shown article plus its full text (of that version). */
export const GroundingArticle = ShownArticle.omit({ snippet: true }).extend({
  body: text(LIMITS.longText),
});
export type GroundingArticle = z.infer<typeof GroundingArticle>;

/**
 * What AITL POSTs to an external arm (a team's own RAG or generation service): the ticket, the
 * eight articles the agent will see, and which arm is asked. One shown set per impression, so
 * relevance labels and precision@8 always refer to what the agent actually saw.
 */
export const ExternalArmRequest = z.strictObject({
  impressionId: Uuid7,
  arm: z.strictObject({ id: text(64), model: text(128), promptVersion: text(64) }),
  context: TicketContext,
  articles: z.array(GroundingArticle).max(LIMITS.shownArticles),
});
export type ExternalArmRequest = z.infer<typeof ExternalArmRequest>;

/**
 * What an external arm answers: the reply and the articles it used, by AITL id (from the request)
 * or by the source's own external id. Unknown fields are ignored, so a service may send more.
 */
export const ExternalArmResponse = z.object({
  text: nonBlankText(LIMITS.longText),
  citedArticleIds: z.array(Uuid).max(LIMITS.shownArticles).default([]),
  citedExternalIds: z.array(text(256)).max(LIMITS.shownArticles).default([]),
});
export type ExternalArmResponse = z.infer<typeof ExternalArmResponse>;
