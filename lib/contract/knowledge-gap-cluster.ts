import { z } from 'zod';
import { IsoDateTime, TicketRef } from './common';
import { GapNumber } from './knowledge-gap';

/**
 * `GET /v1/gaps/clusters`: the gap queue grouped by what is missing. Reports whose description
 * and suggested title are near-duplicates (MinHash, the same as a batch's knowledge_gaps.jsonl)
 * form one cluster, so "how do I ship to Norway" asked by five agents is one line with a count.
 */

export const GapEvidence = z.strictObject({
  number: GapNumber,
  description: z.string(),
  ticket: TicketRef,
  createdAt: IsoDateTime,
});
export type GapEvidence = z.infer<typeof GapEvidence>;

export const GapCluster = z.strictObject({
  /** Every gap in the cluster, oldest first. */
  gaps: z.array(GapNumber).min(1),
  /** Those no article closes yet. */
  openGaps: z.array(GapNumber),
  /** Reports in the cluster (one per gap). */
  count: z.int().min(1),
  /** The newest report's description. */
  description: z.string(),
  categories: z.record(z.string(), z.int().min(1)),
  firstReportedAt: IsoDateTime,
  lastReportedAt: IsoDateTime,
  /** The newest reports (at most 5), newest first. */
  evidence: z.array(GapEvidence),
  /** Titles of the articles agents were shown when they reported it, most often shown first. */
  shownArticles: z.array(z.strictObject({ title: z.string(), reports: z.int().min(1) })),
  /** The articles that closed gaps of the cluster, with how many each closed. */
  resolvedBy: z.array(z.strictObject({ externalId: z.string(), title: z.string(), gaps: z.int().min(1) })),
});
export type GapCluster = z.infer<typeof GapCluster>;

export const GapClusterList = z.strictObject({
  /** The Jaccard similarity (estimated) at or above which two reports share a cluster. */
  similarity: z.number().min(0.1).max(1),
  /** Clusters with open gaps first, then by count, then newest. */
  clusters: z.array(GapCluster),
});
export type GapClusterList = z.infer<typeof GapClusterList>;
