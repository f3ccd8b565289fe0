import type { MissingKnowledgePayload } from '../contract';
import type { CaptureQueue } from './capture-queue';
import type { PanelStore } from './panel-store';

/** Missing knowledge: what the articles shown did not cover, tied to the ticket and that retrieval set. */
export function missingKnowledge(store: PanelStore, captures: CaptureQueue) {
  return {
    reportMissing: async (payload: MissingKnowledgePayload): Promise<boolean> => {
      const annotation = captures.annotation({ type: 'missing_knowledge', payload });
      if (!annotation) return false;
      const ok = await captures.save(annotation);
      store.update({ missingReported: store.model.missingReported + 1, notice: { kind: 'info', text: 'Thanks: the missing knowledge was reported.' } });
      return ok;
    },
  };
}
