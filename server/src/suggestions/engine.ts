import type { SuggestionsConfig } from '../config';
import { Reranker, readRerankerWeights } from '../knowledge/reranker';
import { loadArms } from './arms-config';
import type { SuggestionEngine } from './suggest';

/** The arms and reranker a server runs with; the defaults (two extractive arms, shipped weights) when not configured. */
export function suggestionEngine(config?: Partial<SuggestionsConfig>): SuggestionEngine {
  return {
    arms: config?.arms ?? loadArms({}),
    reranker: new Reranker(config?.reranker ?? readRerankerWeights()),
  };
}
