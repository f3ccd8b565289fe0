import type { RationaleTag, Slot } from '../contract';
import { DEFAULT_ADOPTION_THRESHOLDS } from '../contract/values';
import type { PanelService } from '../background/panel-service';
import { adoptionOf } from '../edit-similarity';
import { clip } from '../sites/dom-text';
import type { ActiveTicket, HelpdeskAdapter, InsertResult, SentEvent } from '../sites/types';
import type { CaptureQueue } from './capture-queue';
import type { PanelStore } from './panel-store';

/** How long an adoption waits on the device for the agent's rationale before it syncs without one. */
export const RATIONALE_HOLD_MS = 2 * 60_000;

/**
 * Adoption and rationale: a reply inserted into the composer is compared with what the agent then
 * sends (normalised edit similarity, under the thresholds recorded with the event). After a heavy
 * edit or a discard the adoption is held on the device while the panel asks why, since the event
 * is immutable once it leaves.
 */
export function adoption(store: PanelStore, captures: CaptureQueue, adapter: HelpdeskAdapter, ticket: ActiveTicket, background: Pick<PanelService, 'amend'>) {
  let recordedWithoutInsert = false;

  const position = (slot: Slot): string => {
    const order = store.shown()?.impression.displayOrder ?? [];
    if (order.length < 2) return '';
    return order[0] === slot ? '(left)' : '(right)';
  };

  return {
    insert: async (slot: Slot): Promise<InsertResult> => {
      const arm = store.shown()?.impression.arms.find((a) => a.slot === slot);
      if (!arm) return { ok: false, method: null };
      // Re-resolved on every action: the composer may have been re-rendered since the last one.
      const composer = adapter.findComposer(ticket);
      if (!composer) {
        const result: InsertResult = { ok: false, method: null, message: 'Could not find the reply box of this ticket. Open the reply box and try again.' };
        store.update({ notice: { kind: 'error', text: result.message! } });
        return result;
      }
      const result = await adapter.insertReply(composer, arm.text);
      // A reply on the clipboard still counts as inserted: the agent pastes it.
      if (result.ok || result.method === 'clipboard') store.update({ inserted: { slot, text: arm.text } });
      store.update({ notice: result.ok ? { kind: 'info', text: `Reply ${position(slot)} inserted. Edit it as you like, then send.` } : { kind: 'error', text: result.message ?? 'Could not insert the reply.' } });
      return result;
    },

    /** The agent sent a reply in this ticket: record how the suggestion was used. */
    onSent: async (event: SentEvent): Promise<void> => {
      if (!store.shown()) return;
      const inserted = store.model.inserted;
      // One adoption per inserted reply; a send without any insert counts once per impression.
      if (!inserted && recordedWithoutInsert) return;
      recordedWithoutInsert = true;
      const sentText = clip(event.text);
      const thresholds = DEFAULT_ADOPTION_THRESHOLDS;
      if (!inserted) {
        const annotation = captures.annotation({ type: 'adoption', payload: { outcome: 'not_used', slot: null, similarity: null, thresholds, sentText, channel: event.channel } });
        if (annotation) await captures.save(annotation);
        store.update({ lastAdoption: { outcome: 'not_used', similarity: null } });
        return;
      }
      const { similarity, outcome } = adoptionOf(inserted.text, sentText, thresholds);
      const annotation = captures.annotation({ type: 'adoption', payload: { outcome, slot: inserted.slot, similarity, thresholds, sentText, channel: event.channel } });
      store.update({ inserted: null, lastAdoption: { outcome, similarity } });
      if (!annotation) return;
      const askWhy = outcome === 'heavy_edit' || outcome === 'discarded';
      const saved = await captures.save(annotation, askWhy ? RATIONALE_HOLD_MS : undefined);
      if (askWhy && saved) store.update({ rationale: { annotationId: annotation.id, outcome } });
    },

    submitRationale: async (tags: RationaleTag[], text?: string): Promise<void> => {
      const pending = store.model.rationale;
      if (!pending) return;
      store.update({ rationale: null });
      const reply = await background.amend(pending.annotationId, tags, text?.trim() ? clip(text.trim(), 2000) : undefined);
      store.update({ notice: reply.ok ? { kind: 'info', text: 'Thanks: your reason was recorded.' } : { kind: 'error', text: `Reason not recorded: ${reply.error.message}` } });
    },

    /** Releases the held adoption without a rationale (it would also go out by itself after the hold). */
    skipRationale: async (): Promise<void> => {
      const pending = store.model.rationale;
      if (!pending) return;
      store.update({ rationale: null });
      await background.amend(pending.annotationId, []);
    },
  };
}
