import type { Database } from '../db/database';
import type { GapClusterList } from '../../../lib/contract';
import { clusterGaps, DEFAULT_GAP_SIMILARITY } from '../gaps/clusters';
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

  async 'gaps.clusters'({ db }: { db: Database }, args: { tenant: string; similarity?: number; json?: boolean }): Promise<string> {
    // The same clusters as GET /v1/gaps/clusters: every gap of the tenant, open and closed.
    const similarity = args.similarity ?? DEFAULT_GAP_SIMILARITY;
    const list: GapClusterList = { similarity, clusters: clusterGaps(await listGaps(db, args.tenant), similarity) };
    if (args.json) return JSON.stringify(list, null, 2) + '\n';
    if (list.clusters.length === 0) return `no knowledge gaps in tenant ${args.tenant}\n`;
    const header = ['REPORTS', 'OPEN', 'LAST REPORTED', 'CATEGORIES', 'WHAT IS MISSING (NEWEST REPORT)', 'GAPS', 'MOST SHOWN', 'CLOSED BY'];
    const rows = list.clusters.map((c) => [
      String(c.count),
      String(c.openGaps.length),
      c.lastReportedAt.slice(0, 10),
      Object.entries(c.categories).map(([k, n]) => `${k}:${n}`).join(','),
      shorten(c.description, 50),
      shorten(c.gaps.join(','), 20),
      c.shownArticles[0] ? shorten(`${c.shownArticles[0].title} (${c.shownArticles[0].reports})`, 30) : '-',
      c.resolvedBy.length > 0 ? shorten(c.resolvedBy.map((r) => r.externalId).join(','), 24) : '-',
    ]);
    const open = list.clusters.filter((c) => c.openGaps.length > 0).length;
    return `${list.clusters.length} cluster(s) of ${list.clusters.reduce((n, c) => n + c.count, 0)} report(s) at similarity ${similarity}, ${open} with open gaps\n` + table(header, rows);
  },

  async 'gaps.resolve'({ db }: { db: Database }, args: { gap: number; article: string; tenant: string; source?: string }): Promise<string> {
    // A GapResolveError says what is wrong; the CLI and the admin socket print it as it is.
    const resolved = await resolveGap(db, args.tenant, args.gap, args.article, 'cli', { source: args.source });
    return resolved.changed
      ? `closed gap ${resolved.number} with article ${resolved.externalId} (${resolved.title}); the next aitl models retrain learns from it\n`
      : `gap ${resolved.number} was already closed by article ${resolved.externalId}; nothing changed\n`;
  },
};
