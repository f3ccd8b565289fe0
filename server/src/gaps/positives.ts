import type { TicketRef } from '../../../lib/contract';
import type { Sql } from '../db/database';

/** A ticket the knowledge base could not answer, and the article later written to answer it. */
export interface ResolvedGapPositive {
  gap: number;
  annotationId: string;
  ticket: TicketRef;
  impressionId: string;
  /** The retrieval query the failed impression ran (impressions.query). */
  query: string;
  articleId: string;
  externalId: string;
}

/**
 * Training positives from closed gaps, for a turn: each resolved gap whose report arrived at or
 * before `watermark` (annotation seq). Eval-slice tickets are left in: the turn filters them.
 * The closing article may have been retired since; it is still named, the trainer decides.
 */
export async function resolvedGapPositives(db: Sql, tenantId: string, opts: { watermark: number }): Promise<ResolvedGapPositive[]> {
  const { rows } = await db.query<{
    gap: number;
    annotation_id: string;
    platform: TicketRef['platform'];
    ticket_id: string;
    impression_id: string;
    query: string | null;
    article_id: string;
    external_id: string;
  }>(
    `SELECT g.number AS gap, a.id::text AS annotation_id, a.platform, a.ticket_id, a.impression_id::text AS impression_id,
            i.query, g.resolved_article_id::text AS article_id, k.external_id
       FROM knowledge_gaps g
       JOIN annotations a ON a.tenant_id = g.tenant_id AND a.id = g.annotation_id
       JOIN knowledge_articles k ON k.tenant_id = g.tenant_id AND k.id = g.resolved_article_id
       LEFT JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
      WHERE g.tenant_id = $1 AND a.seq <= $2
      ORDER BY g.number`,
    [tenantId, opts.watermark],
  );
  return rows.map((r) => ({
    gap: r.gap,
    annotationId: r.annotation_id,
    ticket: { platform: r.platform, ticketId: r.ticket_id },
    impressionId: r.impression_id,
    query: r.query ?? '',
    articleId: r.article_id,
    externalId: r.external_id,
  }));
}
