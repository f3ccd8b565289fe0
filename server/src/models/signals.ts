import type { Impression, TicketContext, TicketRef } from '../../../lib/contract';
import type { Sql } from '../db/database';
import { ArticleLinkIndex } from './article-links';
import { inEvalSlice } from './eval-slice';

/**
 * Every kind of human judgement a turn learns retrieval from, and how much each says that an
 * article answers a ticket. A link the agent put into the reply they sent is the strongest (they
 * went and found it); a relevance label is the agent's direct judgement; an article cited by a
 * reply sent as is or lightly edited was used, but the model chose it; a closed knowledge gap
 * names the article written to answer that ticket. Irrelevant and outdated labels count against.
 */
export const SIGNAL_WEIGHTS = {
  link: 1.5,
  relevant: 1,
  gap: 1,
  partial: 0.5,
  cited: 0.5,
  irrelevant: -1,
  outdated: -1,
} as const;
export type SignalKind = keyof typeof SIGNAL_WEIGHTS;

export interface TicketSignals {
  ticket: TicketRef;
  /** The ticket as the latest impression saw it: what a retrain searches with. */
  context: Pick<TicketContext, 'subject' | 'messages'>;
  /** In the frozen eval slice: judged on, never trained on. */
  evalSlice: boolean;
  /** Net evidence per article id (> 0: answers the ticket; < 0: does not). */
  articles: Map<string, number>;
}

export interface Signals {
  tickets: TicketSignals[];
  /** How many of each signal were read (before netting per ticket and article). */
  counts: Record<SignalKind, number>;
  watermark: number;
}

interface Row {
  seq: number;
  type: 'relevance' | 'adoption';
  platform: string;
  ticket_id: string;
  article_id: string | null;
  label: string | null;
  outcome: string | null;
  slot: string | null;
  sent_text: string | null;
  context: TicketContext;
  impression: Impression;
}

/** A closed knowledge gap: the article that now answers the ticket the gap was reported on. */
export interface GapPositive {
  ticket: TicketRef;
  context: Pick<TicketContext, 'subject' | 'messages'> | null;
  articleId: string;
}

/** The newest annotation a turn may read: everything up to it, nothing after. */
export async function annotationWatermark(db: Sql, tenantId: string): Promise<number> {
  const { rows } = await db.query<{ seq: number | null }>('SELECT max(seq)::int AS seq FROM annotations WHERE tenant_id = $1', [tenantId]);
  return rows[0]?.seq ?? 0;
}

/** Reads the tenant's feedback up to `watermark` as per-ticket evidence about articles. */
export async function readSignals(db: Sql, tenantId: string, watermark: number, gaps: GapPositive[] = []): Promise<Signals> {
  const { rows } = await db.query<Row>(
    `SELECT a.seq::int AS seq, a.type, a.platform, a.ticket_id, a.article_id::text AS article_id, a.label, a.outcome,
            a.body->'payload'->>'slot' AS slot, a.body->'payload'->>'sentText' AS sent_text,
            i.context, i.body AS impression
       FROM annotations a
       JOIN impressions i ON i.tenant_id = a.tenant_id AND i.id = a.impression_id
      WHERE a.tenant_id = $1 AND a.seq <= $2 AND a.type IN ('relevance', 'adoption')
      ORDER BY a.seq`,
    [tenantId, watermark],
  );
  const links = await ArticleLinkIndex.load(db, tenantId);
  const counts = Object.fromEntries(Object.keys(SIGNAL_WEIGHTS).map((k) => [k, 0])) as Record<SignalKind, number>;
  const byTicket = new Map<string, TicketSignals>();
  const ticketOf = (ticket: TicketRef, context: TicketSignals['context'] | null) => {
    const key = `${ticket.platform}:${ticket.ticketId}`;
    let t = byTicket.get(key);
    if (!t) {
      t = { ticket, context: context ?? { subject: '', messages: [] }, evalSlice: inEvalSlice(ticket), articles: new Map() };
      byTicket.set(key, t);
    } else if (context && t.context.messages.length === 0) t.context = context;
    return t;
  };
  const add = (t: TicketSignals, articleId: string, kind: SignalKind) => {
    counts[kind]++;
    t.articles.set(articleId, (t.articles.get(articleId) ?? 0) + SIGNAL_WEIGHTS[kind]);
  };

  for (const r of rows) {
    const t = ticketOf({ platform: r.platform as TicketRef['platform'], ticketId: r.ticket_id }, r.context?.messages?.length ? { subject: r.context.subject ?? '', messages: r.context.messages } : null);
    // The newest impression's view of the ticket is what a retrain searches with.
    if (r.context?.messages?.length) t.context = { subject: r.context.subject ?? '', messages: r.context.messages };
    if (r.type === 'relevance' && r.article_id && r.label && r.label in SIGNAL_WEIGHTS) {
      add(t, r.article_id, r.label as SignalKind);
      continue;
    }
    if (r.type !== 'adoption') continue;
    if (r.sent_text) for (const id of links.linked(r.sent_text)) add(t, id, 'link');
    if ((r.outcome === 'as_is' || r.outcome === 'light_edit') && r.slot) {
      const arm = r.impression.arms.find((a) => a.slot === r.slot);
      const shown = new Set(r.impression.articles.map((a) => a.id.toLowerCase()));
      for (const id of arm?.citedArticleIds ?? []) if (shown.has(id.toLowerCase())) add(t, id.toLowerCase(), 'cited');
    }
  }
  for (const g of gaps) add(ticketOf(g.ticket, g.context), g.articleId, 'gap');
  return { tickets: [...byTicket.values()].filter((t) => t.articles.size > 0), counts, watermark };
}

/** Articles with net positive evidence for a ticket. */
export const positives = (t: TicketSignals): string[] => [...t.articles].filter(([, w]) => w > 0).map(([id]) => id);
