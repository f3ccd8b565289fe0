import { v7 as uuidv7 } from 'uuid';
import type { AdoptionPayload, AnnotationCapture, MissingKnowledgePayload, PreferencePayload, RelevancePayload } from '../contract';
import { ANNOTATION_SCHEMA_VERSION } from '../contract/values';
import type { PanelService } from '../background/panel-service';
import type { PanelStore } from './panel-store';

/** The payload of one of the four annotation types. */
export type TypedPayload =
  | { type: 'preference'; payload: PreferencePayload }
  | { type: 'adoption'; payload: AdoptionPayload }
  | { type: 'relevance'; payload: RelevancePayload }
  | { type: 'missing_knowledge'; payload: MissingKnowledgePayload };

/**
 * Where every capability's click goes: made into an immutable event about the impression on
 * screen, then saved in the background's outbox (`panel.capture`). A capture the background could
 * not save stays here and goes again with the next one, or with "Retry saving": a click is never
 * dropped, and the panel says so while one is waiting.
 */
export class CaptureQueue {
  private unsaved: { annotation: AnnotationCapture; holdMs?: number }[] = [];

  constructor(
    private readonly store: PanelStore,
    private readonly background: Pick<PanelService, 'capture'>,
    private readonly clientVersion?: string,
  ) {}

  /** A new event for the impression on screen (fresh UUIDv7, tied to it and its ticket), or null when none is shown. */
  annotation(typed: TypedPayload, now = Date.now()): AnnotationCapture | null {
    const shown = this.store.shown();
    if (!shown) return null;
    return {
      id: uuidv7({ msecs: now }),
      schemaVersion: ANNOTATION_SCHEMA_VERSION,
      createdAt: new Date(now).toISOString(),
      ticket: shown.impression.ticket,
      impressionId: shown.impression.id,
      // Time to decision: too-fast decisions are an annotation-quality signal.
      elapsedMs: Math.max(0, Math.round(now - shown.shownAt)),
      ...(this.clientVersion && { clientVersion: this.clientVersion.slice(0, 32) }),
      ...typed,
    } as AnnotationCapture;
  }

  /** Saves through the background, after anything still unsaved; false when this one is kept for later. */
  async save(annotation: AnnotationCapture, holdMs?: number): Promise<boolean> {
    this.unsaved.push({ annotation, holdMs });
    const pending = this.unsaved;
    this.unsaved = [];
    let ok = true;
    for (const item of pending) {
      const reply = await this.background.capture(item.annotation, item.holdMs);
      if (!reply.ok) {
        this.unsaved.push(item);
        ok = false;
        this.store.update({ notice: { kind: 'error', text: `Not saved yet: ${reply.error.message}` } });
      }
    }
    this.store.update({ unsaved: this.unsaved.length, ...(ok && this.store.model.notice?.kind === 'error' && { notice: null }) });
    return ok;
  }

  retry = async (): Promise<void> => {
    const pending = this.unsaved;
    this.unsaved = [];
    for (const item of pending) await this.save(item.annotation, item.holdMs);
    if (pending.length === 0) this.store.update({ unsaved: 0 });
  };
}
