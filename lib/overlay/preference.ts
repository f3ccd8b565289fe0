import type { PreferencePayload } from '../contract';
import type { CaptureQueue } from './capture-queue';
import type { PanelStore } from './panel-store';

/**
 * Pairwise preference: which of the two replies is better, once per impression, with the
 * left-to-right order the agent saw (position bias is measured from it).
 */
export function preference(store: PanelStore, captures: CaptureQueue) {
  return {
    prefer: async (verdict: PreferencePayload['verdict'], strength?: PreferencePayload['strength']): Promise<void> => {
      const shown = store.shown();
      if (!shown || store.model.preference || shown.impression.displayOrder.length !== 2) return;
      const shownOrder = shown.impression.displayOrder as PreferencePayload['shownOrder'];
      const payload: PreferencePayload = { verdict, shownOrder, ...(strength && (verdict === 'A' || verdict === 'B') && { strength }) };
      const annotation = captures.annotation({ type: 'preference', payload });
      if (!annotation) return;
      store.update({ preference: { verdict, strength } });
      await captures.save(annotation);
    },
  };
}
