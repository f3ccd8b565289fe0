import { createHash, randomUUID } from 'node:crypto';
import type { Database, Sql } from '../db/database';
import { TENANT_PATTERN } from '../auth/tokens';
import { KbImportError, type ParsedSource, type SourceArticle } from './sources/source-article';
import { refreshKnowledgeStats } from './knowledge-base';
import { linkImportedGaps, type ImportedGapLinks } from '../gaps/import-links';

export const SOURCE_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,62}$/;

export interface ImportSummary extends ImportedGapLinks {
  importId: string;
  tenantId: string;
  source: string;
  format: string;
  /** The knowledge base's revision after the import (impressions record it as `kb-<revision>`). */
  revision: number;
  added: number;
  updated: number;
  unchanged: number;
  retired: number;
  /** Retired articles that came back (with their old version if unchanged, a new one if not). */
  restored: number;
  skipped: string[];
}

interface ExistingArticle {
  id: string;
  external_id: string;
  version: number;
  content_hash: string;
  retired: boolean;
}

/** What a version's text hashes to: a re-import with the same text is not a new version. */
export function articleContentHash(a: Pick<SourceArticle, 'title' | 'body' | 'url'>): string {
  return createHash('sha256').update(JSON.stringify([a.title, a.body, a.url])).digest('hex');
}

const CHUNK = 500;
const chunks = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

/**
 * Makes a tenant's articles from one source match an export, in one transaction (all or nothing):
 * new articles start at version 1; changed ones get the next version; articles missing from the
 * export are retired, never deleted (impressions and annotations point at them); every version is
 * kept in knowledge_article_versions so the exact text an arm saw can be rebuilt. Articles that name
 * knowledge gaps (`closes_gaps`) close them in the same transaction.
 */
export async function importKnowledgeBase(
  db: Database,
  input: { tenantId: string; source: string; origin: string; parsed: ParsedSource },
): Promise<ImportSummary> {
  const { tenantId, source, parsed } = input;
  if (!TENANT_PATTERN.test(tenantId)) {
    throw new KbImportError([`invalid tenant "${tenantId}": use lowercase letters, digits, - and _ (up to 63)`]);
  }
  if (!SOURCE_PATTERN.test(source)) {
    throw new KbImportError([`invalid source "${source}": use lowercase letters, digits, ., - and _ (up to 63)`]);
  }

  return db.transaction(async (tx) => {
    await tx.query('INSERT INTO tenants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING', [tenantId]);
    // One import per tenant at a time, also across server replicas: revisions and retirements must not interleave.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('aitl.kb-import'), hashtext($1))`, [tenantId]);
    const { rows: existingRows } = await tx.query<ExistingArticle>(
      `SELECT id::text AS id, external_id, version, content_hash, retired_at IS NOT NULL AS retired
         FROM knowledge_articles WHERE tenant_id = $1 AND source = $2`,
      [tenantId, source],
    );
    const existing = new Map(existingRows.map((r) => [r.external_id, r]));

    const inserts: Record<string, unknown>[] = [];
    const updates: Record<string, unknown>[] = [];
    const restoreIds: string[] = [];
    let unchanged = 0;
    let restored = 0;
    // A changed article that had been retired counts as restored, not as updated.
    let restoredWithChanges = 0;
    for (const a of parsed.articles) {
      const hash = articleContentHash(a);
      const row = { title: a.title, body: a.body, url: a.url, content_hash: hash, source_updated_at: a.sourceUpdatedAt };
      const before = existing.get(a.externalId);
      existing.delete(a.externalId);
      if (!before) {
        inserts.push({ ...row, id: randomUUID(), external_id: a.externalId, version: 1 });
      } else if (before.content_hash !== hash) {
        updates.push({ ...row, id: before.id, version: Number(before.version) + 1 });
        if (before.retired) {
          restored++;
          restoredWithChanges++;
        }
      } else if (before.retired) {
        restoreIds.push(before.id);
        restored++;
      } else {
        unchanged++;
      }
    }
    const retireIds = [...existing.values()].filter((r) => !r.retired).map((r) => r.id);

    for (const part of chunks(inserts)) {
      await tx.query(
        `INSERT INTO knowledge_articles (tenant_id, id, source, external_id, version, title, body, url, content_hash, source_updated_at)
         SELECT $1, r.id, $2, r.external_id, r.version, r.title, r.body, r.url, r.content_hash, r.source_updated_at
           FROM jsonb_to_recordset($3::jsonb) AS r(id uuid, external_id text, version integer, title text, body text, url text,
                                                   content_hash text, source_updated_at timestamptz)`,
        [tenantId, source, JSON.stringify(part)],
      );
    }
    for (const part of chunks(updates)) {
      await tx.query(
        `UPDATE knowledge_articles a
            SET version = r.version, title = r.title, body = r.body, url = r.url, content_hash = r.content_hash,
                source_updated_at = r.source_updated_at, updated_at = now(), retired_at = NULL
           FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, version integer, title text, body text, url text,
                                                   content_hash text, source_updated_at timestamptz)
          WHERE a.tenant_id = $1 AND a.id = r.id`,
        [tenantId, JSON.stringify(part)],
      );
    }
    for (const part of chunks([...inserts, ...updates])) {
      await tx.query(
        `INSERT INTO knowledge_article_versions (tenant_id, article_id, version, title, body, url, content_hash)
         SELECT $1, r.id, r.version, r.title, r.body, r.url, r.content_hash
           FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, version integer, title text, body text, url text, content_hash text)`,
        [tenantId, JSON.stringify(part)],
      );
    }
    if (restoreIds.length > 0) {
      await tx.query('UPDATE knowledge_articles SET retired_at = NULL WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, restoreIds]);
    }
    if (retireIds.length > 0) {
      await tx.query('UPDATE knowledge_articles SET retired_at = now() WHERE tenant_id = $1 AND id = ANY($2::uuid[])', [tenantId, retireIds]);
    }

    const changed = inserts.length + updates.length + restoreIds.length + retireIds.length > 0;
    const revision = changed ? await refreshKnowledgeStats(tx, tenantId) : await currentRevision(tx, tenantId);
    const gapLinks = await linkImportedGaps(tx, tenantId, source, parsed.articles);
    const importId = randomUUID();
    const summary: ImportSummary = {
      importId,
      tenantId,
      source,
      format: parsed.format,
      revision,
      added: inserts.length,
      updated: updates.length - restoredWithChanges,
      unchanged,
      retired: retireIds.length,
      restored,
      skipped: parsed.skipped,
      ...gapLinks,
    };
    await tx.query(
      `INSERT INTO knowledge_imports (tenant_id, id, source, format, origin, revision, added, updated, unchanged, retired, restored)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [tenantId, importId, source, parsed.format, input.origin, revision, summary.added, summary.updated, unchanged, summary.retired, restored],
    );
    return summary;
  });
}

async function currentRevision(tx: Sql, tenantId: string): Promise<number> {
  const { rows } = await tx.query<{ revision: number }>('SELECT revision FROM knowledge_bases WHERE tenant_id = $1', [tenantId]);
  return rows[0]?.revision ?? 0;
}
