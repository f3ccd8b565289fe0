import type { KnowledgeGap, TicketRef } from '../../../lib/contract';
import type { Database } from '../db/database';
import { numberGaps } from './numbering';

interface GapRow {
  number: number;
  body: { payload: { description: string; category?: KnowledgeGap['category']; suggestedTitle?: string } };
  platform: TicketRef['platform'];
  ticket_id: string;
  agent: string;
  created_at: Date | string;
  shown: string[] | null;
  external_id: string | null;
  title: string | null;
  resolved_by: string | null;
  resolved_at: Date | string | null;
}

const iso = (value: Date | string) => new Date(value).toISOString();

/** The tenant's gaps, oldest first; `open` keeps only those no article closes yet, `number` only that one. */
export async function listGaps(db: Database, tenantId: string, opts: { open?: boolean; number?: number } = {}): Promise<KnowledgeGap[]> {
  await db.transaction((tx) => numberGaps(tx, tenantId));
  const { rows } = await db.query<GapRow>(
    `SELECT g.number, a.body, a.platform, a.ticket_id, a.agent, a.created_at,
            (SELECT array_agg(s.title ORDER BY s.rank)
               FROM jsonb_to_recordset(i.body->'articles') AS s(title text, rank integer)) AS shown,
            k.external_id, k.title, g.resolved_by, g.resolved_at
       FROM knowledge_gaps g
       JOIN annotations a ON a.tenant_id = g.tenant_id AND a.id = g.annotation_id
       LEFT JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
       LEFT JOIN knowledge_articles k ON k.tenant_id = g.tenant_id AND k.id = g.resolved_article_id
      WHERE g.tenant_id = $1 AND ($2::boolean IS NOT TRUE OR g.resolved_article_id IS NULL) AND ($3::integer IS NULL OR g.number = $3)
      ORDER BY g.number`,
    [tenantId, opts.open ?? false, opts.number ?? null],
  );
  return rows.map((r) => ({
    number: r.number,
    description: r.body.payload.description,
    category: r.body.payload.category ?? null,
    suggestedTitle: r.body.payload.suggestedTitle ?? null,
    ticket: { platform: r.platform, ticketId: r.ticket_id },
    reportedBy: r.agent,
    createdAt: iso(r.created_at),
    shownArticles: r.shown ?? [],
    resolved: r.external_id !== null ? { externalId: r.external_id, title: r.title!, by: r.resolved_by!, at: iso(r.resolved_at!) } : null,
  }));
}
