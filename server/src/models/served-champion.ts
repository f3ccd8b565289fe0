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

/**
 * A small cache in front of the promotion history. Versions are immutable, so a champion
 * version's arm is read once; only "which version serves" expires.
 */
export class ServedChampionReader {
  private readonly serving: LRUCache<string, ServedGeneration, Sql>;
  private readonly armOf = new LRUCache<string, { armId: string | null }>({ max: 10_000 });

  constructor(ttlMs = SERVED_TTL_MS) {
    this.serving = new LRUCache<string, ServedGeneration, Sql>({
      max: 10_000,
      ttl: ttlMs,
      // Concurrent suggestions for one tenant share a single read.
      fetchMethod: (tenantId, _stale, { context }) => this.load(context, tenantId),
    });
  }

  async read(db: Sql, tenantId: string): Promise<ServedGeneration> {
    return (await this.serving.fetch(tenantId, { context: db }))!;
  }

  private async load(db: Sql, tenantId: string): Promise<ServedGeneration> {
    const versions = await servingVersions(db, tenantId);
    const championVersion = versions.champion ?? null;
    return { champion: championVersion ? await this.championArm(db, tenantId, championVersion) : null, championVersion, examples: versions.examples ?? null };
  }

  private async championArm(db: Sql, tenantId: string, version: string): Promise<string | null> {
    const key = `${tenantId}\u0000${version}`;
    const known = this.armOf.get(key);
    if (known) return known.armId;
    const row = await modelVersion(db, tenantId, version);
    // A rollback to the shipped default names a row without an arm: the first configured arm serves.
    const armId = (row?.artefact as { armId?: unknown } | undefined)?.armId;
    const entry = { armId: typeof armId === 'string' ? armId : null };
    this.armOf.set(key, entry);
    return entry.armId;
  }
}
