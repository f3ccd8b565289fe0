import type { Sql } from '../db/database';

export type CloseOutcome =
  | { status: 'closed' }
  /** Already closed by this very article: nothing changed. */
  | { status: 'unchanged' }
  | { status: 'unknown' }
  | { status: 'closed_by_other'; externalId: string; title: string };

/**
 * Links gap `number` to the article that closes it, within the caller's transaction (numbered
 * first, so a report stored before numbering existed can be closed too). The row lock makes two
 * concurrent closers agree: the second sees the first one's article.
 */
export async function closeGap(tx: Sql, tenantId: string, number: number, articleId: string, actor: string): Promise<CloseOutcome> {
  const { rows } = await tx.query<{ resolved_article_id: string | null; external_id: string | null; title: string | null }>(
    `SELECT g.resolved_article_id::text AS resolved_article_id, k.external_id, k.title
       FROM knowledge_gaps g LEFT JOIN knowledge_articles k ON k.tenant_id = g.tenant_id AND k.id = g.resolved_article_id
      WHERE g.tenant_id = $1 AND g.number = $2
      FOR UPDATE OF g`,
    [tenantId, number],
  );
  const gap = rows[0];
  if (!gap) return { status: 'unknown' };
  if (gap.resolved_article_id === articleId) return { status: 'unchanged' };
  if (gap.resolved_article_id !== null) return { status: 'closed_by_other', externalId: gap.external_id!, title: gap.title! };
  await tx.query(
    'UPDATE knowledge_gaps SET resolved_article_id = $3, resolved_by = $4, resolved_at = now() WHERE tenant_id = $1 AND number = $2',
    [tenantId, number, articleId, actor],
  );
  return { status: 'closed' };
}
