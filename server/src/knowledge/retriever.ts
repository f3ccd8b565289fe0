import type { Sql } from '../db/database';
import { DenseIndexCache, nearest } from './dense-index';
import { embed, type EmbeddingsConfig } from './embeddings';
import { DEFAULT_STAGE_ONE, retrieveCandidates, type DenseHits, type RetrievalSet, type StageOne } from './retrieval';
import { queryText, type TicketQuery } from './ticket-query';

export interface Retrieval {
  set: RetrievalSet;
  /** The retriever version that actually ran (hybrid only when the vectors were there). */
  version: string;
  /** Why a configured vector search was not used for this query. */
  warning: string | null;
}

/**
 * Stage one as configured: full-text search, or, with AITL_EMBEDDINGS_URL, full-text and vector
 * search fused by reciprocal rank. A failing embeddings endpoint never fails a suggestion: the
 * search falls back to full text and says so.
 */
export class Retriever {
  private readonly cache = new DenseIndexCache();
  constructor(readonly embeddings: EmbeddingsConfig | null) {}

  /** The version recorded when the configured search runs in full with this stage one. */
  versionOf(stageOne: StageOne = DEFAULT_STAGE_ONE): string {
    return this.embeddings ? `${stageOne.version}+rrf-${this.embeddings.model}`.slice(0, 64) : stageOne.version;
  }

  get version(): string {
    return this.versionOf();
  }

  async retrieve(db: Sql, tenantId: string, query: TicketQuery, limit?: number, stageOne: StageOne = DEFAULT_STAGE_ONE): Promise<Retrieval> {
    if (!this.embeddings) return { set: await retrieveCandidates(db, tenantId, query, { limit, stageOne }), version: stageOne.version, warning: null };
    let dense: DenseHits | undefined;
    let warning: string | null = null;
    try {
      const index = await this.cache.get(db, tenantId, this.embeddings.model);
      const text = queryText(query);
      if (index.ids.length === 0) {
        warning = 'no article has an embedding yet (run aitl kb embed); searched with full text only';
      } else if (text) {
        const [vector] = await embed(this.embeddings, [text]);
        const position = new Map(index.ids.map((id, i) => [id, i]));
        dense = {
          hits: nearest(index, vector!, limit ?? 75),
          similarity(id) {
            const i = position.get(id);
            if (i === undefined || vector!.length !== index.dims) return null;
            let s = 0;
            for (let j = 0; j < index.dims; j++) s += index.matrix[i * index.dims + j]! * vector![j]!;
            return s;
          },
        };
      }
    } catch (error) {
      warning = `embeddings unavailable (${(error as Error).message}); searched with full text only`;
    }
    const set = await retrieveCandidates(db, tenantId, query, { limit, dense, stageOne });
    return { set, version: dense ? this.versionOf(stageOne) : stageOne.version, warning };
  }
}
