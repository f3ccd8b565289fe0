import { z } from 'zod';
import { IsoDateTime, TicketRef, nonBlankText } from './common';
import { KnowledgeGapCategory } from './annotation';

/**
 * `/v1/gaps`: the knowledge-gap queue. Every missing-knowledge report is a numbered gap of its
 * tenant (in arrival order) until an article closes it. The CLI prints the same records.
 */

export const GapNumber = z.number().int().min(1).max(999_999_999);

export const KnowledgeGap = z.strictObject({
  number: GapNumber,
  description: z.string(),
  category: KnowledgeGapCategory.nullable(),
  suggestedTitle: z.string().nullable(),
  ticket: TicketRef,
  /** The agent who reported it. */
  reportedBy: z.string(),
  createdAt: IsoDateTime,
  /** Titles of the articles the agent was shown (the retrieval that failed), in rank order. */
  shownArticles: z.array(z.string()),
  resolved: z
    .strictObject({
      externalId: z.string(),
      title: z.string(),
      /** `cli`, `import:<source>`, or the operator token's name. */
      by: z.string(),
      at: IsoDateTime,
    })
    .nullable(),
});
export type KnowledgeGap = z.infer<typeof KnowledgeGap>;

export const KnowledgeGapList = z.strictObject({ gaps: z.array(KnowledgeGap) });
export type KnowledgeGapList = z.infer<typeof KnowledgeGapList>;

/** `POST /v1/gaps/:number/resolve`: the source id of the live article that closes the gap. */
export const GapResolveRequest = z.strictObject({
  externalId: nonBlankText(256),
  /** Only when several sources of the tenant use that id. */
  source: z.string().max(63).optional(),
});
export type GapResolveRequest = z.infer<typeof GapResolveRequest>;

export const GapResolveResponse = z.strictObject({
  gap: KnowledgeGap,
  /** False when the gap was already closed by this article (a repeated call). */
  changed: z.boolean(),
});
export type GapResolveResponse = z.infer<typeof GapResolveResponse>;
