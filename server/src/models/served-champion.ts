import { LRUCache } from 'lru-cache';
import type { Sql } from '../db/database';
import { modelVersion, servingVersions } from './store';

/** What serves a tenant's generation now: the champion arm (null: the first configured arm) and the chat arms' example set. */
export interface ServedGeneration {
  champion: string | null;
  championVersion: string | null;
  examples: string | null;
}

/** Promotions are read again after this long, so a promotion serves on every replica within seconds, without a restart. */
export const SERVED_TTL_MS = 1_000;

/** A small cache in front of the promotion history, for the suggestion path: at most one read per tenant per TTL. */
export class ServedChampionReader {
  private readonly serving: LRUCache<string, ServedGeneration, Sql>;

  constructor(ttlMs = SERVED_TTL_MS) {
    if (!(ttlMs > 0)) throw new RangeError('the served-models TTL must be positive (lru-cache reads 0 as "never expires")');
    this.serving = new LRUCache<string, ServedGeneration, Sql>({
      max: 10_000,
      ttl: ttlMs,
      // Concurrent suggestions for one tenant share a single read.
      fetchMethod: (tenantId, _stale, { context }) => readServedGeneration(context, tenantId),
    });
  }

  async read(db: Sql, tenantId: string): Promise<ServedGeneration> {
    return (await this.serving.fetch(tenantId, { context: db }))!;
  }
}

/** What serves now, read from the database without a cache (a turn deciding against the current champion). */
export async function readServedGeneration(db: Sql, tenantId: string): Promise<ServedGeneration> {
  const versions = await servingVersions(db, tenantId);
  const championVersion = versions.champion ?? null;
  return { champion: championVersion ? await championArmOf(db, tenantId, championVersion) : null, championVersion, examples: versions.examples ?? null };
}

async function championArmOf(db: Sql, tenantId: string, version: string): Promise<string | null> {
  const row = await modelVersion(db, tenantId, version);
  // A rollback to the shipped default names a row without an arm: the first configured arm serves.
  const armId = (row?.artefact as { armId?: unknown } | undefined)?.armId;
  return typeof armId === 'string' ? armId : null;
}
