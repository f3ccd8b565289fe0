import type { Database } from '../db/database';
import { closeGap } from './close-gap';
import { numberGaps } from './numbering';

/** A gap cannot be resolved as asked; the message says why and what to do. */
export class GapResolveError extends Error {
  constructor(
    readonly reason: 'unknown_gap' | 'unknown_article' | 'retired_article' | 'ambiguous_article' | 'closed_by_other',
    message: string,
  ) {
    super(message);
  }
}

export interface ResolvedGap {
  number: number;
  externalId: string;
  title: string;
  /** False when the gap was already closed by this article (a repeated call). */
  changed: boolean;
}

/**
 * Closes gap `number` with the live article whose source id is `externalId` (in `source`, when
 * several sources use that id). Repeating it with the same article changes nothing.
 */
export async function resolveGap(
  db: Database,
  tenantId: string,
  number: number,
  externalId: string,
  actor: string,
  opts: { source?: string } = {},
): Promise<ResolvedGap> {
  if (!Number.isSafeInteger(number) || number < 1) {
    throw new GapResolveError('unknown_gap', `gap numbers are whole numbers from 1, got ${number}; see aitl gaps list --tenant ${tenantId}`);
  }
  return db.transaction(async (tx) => {
    await numberGaps(tx, tenantId);
    const { rows: articles } = await tx.query<{ id: string; source: string; title: string; retired: boolean }>(
      `SELECT id::text AS id, source, title, retired_at IS NOT NULL AS retired FROM knowledge_articles
        WHERE tenant_id = $1 AND external_id = $2 AND ($3::text IS NULL OR source = $3) ORDER BY source`,
      [tenantId, externalId, opts.source ?? null],
    );
    const live = articles.filter((a) => !a.retired);
    if (articles.length === 0) {
      throw new GapResolveError('unknown_article', `no article with id "${externalId}"${opts.source ? ` in source ${opts.source}` : ''}; import it first (aitl kb import), then resolve the gap`);
    }
    if (live.length === 0) {
      throw new GapResolveError('retired_article', `article "${externalId}" is retired (it left its source); a gap needs a live article, re-import it or pick another`);
    }
    if (live.length > 1) {
      throw new GapResolveError('ambiguous_article', `article id "${externalId}" exists in sources ${live.map((a) => a.source).join(', ')}; name the source`);
    }
    const article = live[0]!;
    const outcome = await closeGap(tx, tenantId, number, article.id, actor);
    if (outcome.status === 'unknown') throw new GapResolveError('unknown_gap', `no knowledge gap ${number} in tenant ${tenantId}; see aitl gaps list --tenant ${tenantId}`);
    if (outcome.status === 'closed_by_other') {
      throw new GapResolveError('closed_by_other', `gap ${number} is already closed by article "${outcome.externalId}" (${outcome.title}); a gap is closed by one article`);
    }
    return { number, externalId, title: article.title, changed: outcome.status === 'closed' };
  });
}
