import type { SuggestionsConfig } from '../config';
import { Reranker, readRerankerWeights } from '../knowledge/reranker';
import { Retriever } from '../knowledge/retriever';
import { ModelServing } from '../models/serving';
import { loadArms } from './arms-config';
import { SimilarExamples } from './similar-examples';
import type { SuggestionEngine } from './suggest';

/**
 * The retriever, reranker and arms a server runs with; the defaults (BM25F, shipped weights, two
 * extractive arms) when not configured. `models` replaces stage one and the reranker per tenant
 * with the versions promoted by a turn.
 */
export function suggestionEngine(config?: Partial<SuggestionsConfig>): SuggestionEngine {
  const reranker = new Reranker(config?.reranker ?? readRerankerWeights());
  return {
    arms: config?.arms ?? loadArms({}),
    reranker,
    retriever: new Retriever(config?.embeddings ?? null),
    models: new ModelServing(reranker),
    examples: new SimilarExamples(),
  };
}
