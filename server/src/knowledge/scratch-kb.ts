import type { Database } from '../db/database';
import { openDatabase } from '../db/open';
import { IN_MEMORY } from '../db/pglite';
import { importKnowledgeBase } from './import';
import { readSource } from './sources/read-source';
import type { SourceFormat } from './sources/source-article';

export const SCRATCH_TENANT = 'scratch';

/**
 * Imports a knowledge base into a throwaway in-memory database and runs `fn` on it: `aitl eval`
 * and `aitl rerank train` on files, without touching (or needing) the configured database.
 */
export async function withScratchKnowledgeBase<T>(kbPath: string, format: SourceFormat | undefined, fn: (db: Database, tenantId: string) => Promise<T>): Promise<T> {
  const parsed = readSource(kbPath, format);
  const db = await openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY });
  try {
    await importKnowledgeBase(db, { tenantId: SCRATCH_TENANT, source: parsed.format, origin: kbPath, parsed });
    return await fn(db, SCRATCH_TENANT);
  } finally {
    await db.close();
  }
}
