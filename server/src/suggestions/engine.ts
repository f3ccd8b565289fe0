import type { SuggestionsConfig } from '../config';
import { Reranker, readRerankerWeights } from '../knowledge/reranker';
import { Retriever } from '../knowledge/retriever';
import { ServedChampionReader } from '../models/served-champion';
import { loadArms } from './arms-config';
import { SimilarExamples } from './similar-examples';
import type { SuggestionEngine } from './suggest';

/** The retriever, reranker and arms a server runs with; the defaults (full text, shipped weights, two extractive arms) when not configured. */
export function suggestionEngine(config?: Partial<SuggestionsConfig>): SuggestionEngine {
  return {
    arms: config?.arms ?? loadArms({}),
    reranker: new Reranker(config?.reranker ?? readRerankerWeights()),
    retriever: new Retriever(config?.embeddings ?? null),
    served: new ServedChampionReader(),
    examples: new SimilarExamples(),
  };
}
