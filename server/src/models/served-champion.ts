import type { Sql } from '../db/database';
import { modelVersion, servingVersions, type ModelKind } from './store';

/** What serves a tenant's generation now: the champion arm (null: the first configured arm) and the chat arms' example set. */
export interface ServedGeneration {
  champion: string | null;
  championVersion: string | null;
  examples: string | null;
}

/** Promotions are read again after this long (ModelServing), so a promotion serves on every replica within seconds, without a restart. */
export const SERVED_TTL_MS = 1_000;

/** What serves now, read from the database without a cache (a turn deciding against the current champion). */
export async function readServedGeneration(db: Sql, tenantId: string): Promise<ServedGeneration> {
  return servedGeneration(db, tenantId, await servingVersions(db, tenantId));
}

/** The generation side of what serves, from the promoted versions already read (ModelServing reads them once for both sides). */
export async function servedGeneration(db: Sql, tenantId: string, versions: Partial<Record<ModelKind, string>>): Promise<ServedGeneration> {
  const championVersion = versions.champion ?? null;
  return { champion: championVersion ? await championArmOf(db, tenantId, championVersion) : null, championVersion, examples: versions.examples ?? null };
}

async function championArmOf(db: Sql, tenantId: string, version: string): Promise<string | null> {
  const row = await modelVersion(db, tenantId, version);
  // A rollback to the shipped default names a row without an arm: the first configured arm serves.
  const armId = (row?.artefact as { armId?: unknown } | undefined)?.armId;
  return typeof armId === 'string' ? armId : null;
}
