import type { RelevanceLabel } from '../contract';
import type { CaptureQueue } from './capture-queue';
import type { PanelStore } from './panel-store';

/** Knowledge relevance: each shown article is rated once, relevant / partial / irrelevant / outdated. */
export function relevance(store: PanelStore, captures: CaptureQueue) {
  return {
    rate: async (articleId: string, label: RelevanceLabel): Promise<void> => {
      const article = store.shown()?.impression.articles.find((a) => a.id === articleId);
      if (!article || store.model.relevance[articleId]) return;
      // The version and rank shown: a batch judges exactly the article text the agent saw.
      const annotation = captures.annotation({ type: 'relevance', payload: { articleId, articleVersion: article.version, rank: article.rank, label } });
      if (!annotation) return;
      store.update({ relevance: { ...store.model.relevance, [articleId]: label } });
      await captures.save(annotation);
    },
  };
}
