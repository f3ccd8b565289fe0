import type { Sql } from '../db/database';
import type { SourceArticle } from '../knowledge/sources/source-article';
import { closeGap } from './close-gap';
import { numberGaps } from './numbering';

export interface ImportedGapLinks {
  /** Gaps this import closed (already closed by the same article: not counted again). */
  gapsClosed: number[];
  /** Numbers the export names that no gap of the tenant has. */
  unknownGaps: number[];
  /** References left alone, with why (a gap already closed by another article). */
  gapWarnings: string[];
}

/**
 * Inside the import's transaction, after its articles are written: closes the gaps the imported
 * articles name (`closes_gaps`, `aitl-gap-N`). A bad reference warns and never fails the import.
 */
export async function linkImportedGaps(tx: Sql, tenantId: string, source: string, articles: SourceArticle[]): Promise<ImportedGapLinks> {
  const result: ImportedGapLinks = { gapsClosed: [], unknownGaps: [], gapWarnings: [] };
  const linking = articles.filter((a) => a.closesGaps && a.closesGaps.length > 0);
  if (linking.length === 0) return result;
  await numberGaps(tx, tenantId);
  const { rows } = await tx.query<{ id: string; external_id: string }>(
    'SELECT id::text AS id, external_id FROM knowledge_articles WHERE tenant_id = $1 AND source = $2 AND external_id = ANY($3::text[])',
    [tenantId, source, linking.map((a) => a.externalId)],
  );
  const idOf = new Map(rows.map((r) => [r.external_id, r.id]));
  const unknown = new Set<number>();
  for (const article of linking) {
    for (const number of article.closesGaps!) {
      const outcome = await closeGap(tx, tenantId, number, idOf.get(article.externalId)!, `import:${source}`);
      if (outcome.status === 'closed') result.gapsClosed.push(number);
      else if (outcome.status === 'unknown') unknown.add(number);
      else if (outcome.status === 'closed_by_other') {
        result.gapWarnings.push(`${article.at}: gap ${number} is already closed by article "${outcome.externalId}" (${outcome.title}); left as it is`);
      }
    }
  }
  result.gapsClosed.sort((a, b) => a - b);
  result.unknownGaps = [...unknown].sort((a, b) => a - b);
  if (result.unknownGaps.length > 0) {
    result.gapWarnings.unshift(`no gap ${result.unknownGaps.join(', ')} in tenant ${tenantId}: those references were ignored (see aitl gaps list)`);
  }
  return result;
}
