import type { Sql } from '../db/database';
import { BM25F_DEFAULT, type Bm25fParams } from '../knowledge/bm25';
import { Reranker, RerankerWeights } from '../knowledge/reranker';
import { DEFAULT_STAGE_ONE, type StageOne } from '../knowledge/retrieval';
import { LRUCache } from 'lru-cache';
import { SERVED_TTL_MS, servedGeneration, type ServedGeneration } from './served-champion';
import { modelVersion, servingVersions, type ModelKind } from './store';

/** What a learned retriever version stores: BM25F parameters; its ticket wording is in retrieval_expansion_terms. */
export interface RetrieverArtefact {
  params: Bm25fParams;
}

/** The models one tenant is served with right now. */
export interface ServedModels {
  stageOne: StageOne;
  reranker: Reranker;
  /** The champion arm and the chat arms' example set. */
  generation: ServedGeneration;
  /** Promoted versions per kind (absent: the shipped default). */
  promoted: Partial<Record<ModelKind, string>>;
}

/**
 * Reads which versions serve a tenant (the newest promotion row per kind) at most once a second
 * per tenant, and each immutable version's artefact once. A promotion on any replica therefore
 * serves on every replica within a second, without a restart.
 */
export class ModelServing {
  private readonly current: LRUCache<string, ServedModels, Sql>;
  private readonly artefacts = new Map<string, Promise<unknown>>();

  constructor(readonly defaultReranker: Reranker, ttlMs = SERVED_TTL_MS) {
    if (!(ttlMs > 0)) throw new RangeError('the served-models TTL must be positive (lru-cache reads 0 as "never expires")');
    this.current = new LRUCache<string, ServedModels, Sql>({
      max: 10_000,
      ttl: ttlMs,
      // Concurrent suggestions for one tenant share a single read.
      fetchMethod: (tenantId, _stale, { context }) => this.load(context, tenantId),
    });
  }

  get defaults(): Record<ModelKind, string> {
    return { retriever: DEFAULT_STAGE_ONE.version, reranker: this.defaultReranker.version, champion: 'champion-default', examples: 'ex0' };
  }

  async forTenant(db: Sql, tenantId: string): Promise<ServedModels> {
    return (await this.current.fetch(tenantId, { context: db }))!;
  }

  /** Forget what was read (after a promotion on this replica, so it serves at once here). */
  invalidate(tenantId: string): void {
    this.current.delete(tenantId);
  }

  private async load(db: Sql, tenantId: string): Promise<ServedModels> {
    const promoted = await servingVersions(db, tenantId);
    const retriever = promoted.retriever ? ((await this.artefact(db, tenantId, promoted.retriever)) as RetrieverArtefact | ShippedDefault) : null;
    const weights = promoted.reranker ? ((await this.artefact(db, tenantId, promoted.reranker)) as RerankerWeights | ShippedDefault) : null;
    const stageOne: StageOne =
      retriever && !isShippedDefault(retriever)
        ? { version: promoted.retriever!, mode: { kind: 'bm25f', params: { ...BM25F_DEFAULT, ...retriever.params }, expansionVersion: promoted.retriever! } }
        : DEFAULT_STAGE_ONE;
    const reranker = weights && !isShippedDefault(weights) ? new Reranker(RerankerWeights.parse(weights)) : this.defaultReranker;
    const generation = await servedGeneration(db, tenantId, promoted);
    return { stageOne, reranker, generation, promoted };
  }

  private artefact(db: Sql, tenantId: string, version: string): Promise<unknown> {
    const key = `${tenantId}\u0000${version}`;
    let p = this.artefacts.get(key);
    if (!p) {
      p = modelVersion(db, tenantId, version).then((row) => {
        if (!row) throw new Error(`model version ${version} of tenant ${tenantId} is promoted but missing`);
        return row.artefact;
      });
      p.catch(() => this.artefacts.delete(key));
      this.artefacts.set(key, p);
    }
    return p;
  }
}

/** A stored retriever and reranker version as runnable models (for comparing a candidate that was not promoted). */
export async function storedModels(db: Sql, tenantId: string, versions: { retriever: string; reranker: string }): Promise<{ stageOne: StageOne; reranker: Reranker }> {
  const [retriever, weights] = await Promise.all([modelVersion(db, tenantId, versions.retriever), modelVersion(db, tenantId, versions.reranker)]);
  if (!retriever || !weights) throw new Error(`tenant ${tenantId} has no model versions ${versions.retriever} and ${versions.reranker}`);
  const params = (retriever.artefact as RetrieverArtefact).params;
  return {
    stageOne: { version: versions.retriever, mode: { kind: 'bm25f', params: { ...BM25F_DEFAULT, ...params }, expansionVersion: versions.retriever } },
    reranker: new Reranker(RerankerWeights.parse(weights.artefact)),
  };
}

interface ShippedDefault {
  shippedDefault: true;
}
const isShippedDefault = (a: unknown): a is ShippedDefault => typeof a === 'object' && a !== null && 'shippedDefault' in a;
