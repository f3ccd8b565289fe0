import type { Database } from '../db/database';
import { listGaps } from '../gaps/list';
import { resolveGap } from '../gaps/resolve';
import { table } from './table';

const shorten = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** `aitl gaps ...`: the knowledge-gap queue; runs in the CLI process or inside `aitl serve`. */
export const gapOperations = {
  async 'gaps.list'({ db }: { db: Database }, args: { tenant: string; open?: boolean; json?: boolean }): Promise<string> {
    const gaps = await listGaps(db, args.tenant, { open: args.open });
    if (args.json) return JSON.stringify(gaps, null, 2) + '\n';
    if (gaps.length === 0) return `no ${args.open ? 'open ' : ''}knowledge gaps in tenant ${args.tenant}\n`;
    const header = ['GAP', 'REPORTED', 'BY', 'TICKET', 'CATEGORY', 'WHAT IS MISSING', 'SHOWN', 'CLOSED BY'];
    const rows = gaps.map((g) => [
      String(g.number),
      g.createdAt.slice(0, 10),
      g.reportedBy,
      `${g.ticket.platform}:${g.ticket.ticketId}`,
      g.category ?? '-',
      shorten(g.suggestedTitle ? `${g.suggestedTitle}: ${g.description}` : g.description, 60),
      String(g.shownArticles.length),
      g.resolved ? `${g.resolved.externalId} (${g.resolved.by})` : 'open',
    ]);
    const open = gaps.filter((g) => !g.resolved).length;
    const hint = open > 0 ? `close one with: aitl gaps resolve GAP --article EXTERNAL_ID --tenant ${args.tenant}, or closes_gaps in the article's front matter\n` : '';
    return table(header, rows) + hint;
  },

  async 'gaps.resolve'({ db }: { db: Database }, args: { gap: number; article: string; tenant: string; source?: string }): Promise<string> {
    // A GapResolveError says what is wrong; the CLI and the admin socket print it as it is.
    const resolved = await resolveGap(db, args.tenant, args.gap, args.article, 'cli', { source: args.source });
    return resolved.changed
      ? `closed gap ${resolved.number} with article ${resolved.externalId} (${resolved.title}); the next aitl models retrain learns from it\n`
      : `gap ${resolved.number} was already closed by article ${resolved.externalId}; nothing changed\n`;
  },
};
