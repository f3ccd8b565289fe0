import { DEFAULT_ADOPTION_THRESHOLDS } from '../contract/values';
import type {
  AnnotationCapture,
  Impression,
  MissingKnowledgePayload,
  PreferencePayload,
  RationaleTag,
  RelevanceLabel,
  Slot,
  TicketContext,
} from '../contract';
import { adoptionOf } from '../edit-similarity';
import { clip } from '../sites/dom-text';
import type { ActiveTicket, HelpdeskAdapter, InsertResult, SentEvent } from '../sites/types';
import { buildAnnotation } from './annotations';

export type ImpressionState =
  | { status: 'loading' }
  | { status: 'ready'; impression: Impression; shownAt: number }
  | { status: 'error'; code: string; message: string };

export interface PanelModel {
  ticketId: string;
  /** The ticket's subject as read from the page (shown so the agent sees which ticket the panel is on). */
  subject: string | null;
  impression: ImpressionState;
  /** The reply put into the composer, compared with what is sent. */
  inserted: { slot: Slot; text: string } | null;
  notice: { kind: 'info' | 'error'; text: string } | null;
  preference: Pick<PreferencePayload, 'verdict' | 'strength'> | null;
  relevance: Record<string, RelevanceLabel>;
  missingReported: number;
  /** An adoption held on the device while the agent is asked why (heavy edit or discard). */
  rationale: { annotationId: string; outcome: 'heavy_edit' | 'discarded' } | null;
  lastAdoption: { outcome: string; similarity: number | null } | null;
  /** Captures the background could not save yet; retried with the next action. */
  unsaved: number;
}

/** How the session reaches the background (a typed runtime message in the extension). */
export interface SessionTransport {
  suggest(context: TicketContext): Promise<{ ok: true; impression: Impression } | { ok: false; error: { code: string; message: string } }>;
  capture(annotation: AnnotationCapture, holdMs?: number): Promise<{ ok: boolean; error?: { code: string; message: string } }>;
  amend(id: string, rationaleTags: RationaleTag[], rationaleText?: string): Promise<{ ok: boolean; error?: { message: string } }>;
}

/** How long an adoption waits on the device for the agent's rationale before it syncs without one. */
export const RATIONALE_HOLD_MS = 2 * 60_000;

/**
 * Everything the panel shows and does for one ticket. A new session is created for every ticket
 * the agent switches to, so nothing from one ticket can leak into another. The panel gets the
 * model and these actions; only the adapter touches the helpdesk DOM.
 */
export class TicketSession {
  private listeners = new Set<() => void>();
  private queue: { annotation: AnnotationCapture; holdMs?: number }[] = [];
  private adoptionRecorded = false;
  private stopSent: () => void = () => {};
  private disposed = false;
  model: PanelModel;

  constructor(
    readonly adapter: HelpdeskAdapter,
    readonly ticket: ActiveTicket,
    private readonly url: URL,
    private readonly transport: SessionTransport,
    private readonly opts: { clientVersion?: string; cachedImpression?: { impression: Impression; shownAt: number }; onImpression?: (i: { impression: Impression; shownAt: number }) => void } = {},
  ) {
    this.model = {
      ticketId: ticket.ticketId,
      subject: null,
      impression: opts.cachedImpression ? { status: 'ready', ...opts.cachedImpression } : { status: 'loading' },
      inserted: null,
      notice: null,
      preference: null,
      relevance: {},
      missingReported: 0,
      rationale: null,
      lastAdoption: null,
      unsaved: 0,
    };
  }

  start(): void {
    this.stopSent = this.adapter.observeSent(this.ticket, (event) => void this.onSent(event));
    const context = this.adapter.readContext(this.ticket, this.url);
    this.update({ subject: context.subject ?? null });
    if (this.model.impression.status !== 'ready') void this.load(context);
  }

  dispose(): void {
    this.disposed = true;
    this.stopSent();
    this.listeners.clear();
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
  getModel = () => this.model;

  private update(patch: Partial<PanelModel>) {
    if (this.disposed) return;
    this.model = { ...this.model, ...patch };
    for (const l of this.listeners) l();
  }

  load = async (context: TicketContext = this.adapter.readContext(this.ticket, this.url)): Promise<void> => {
    this.update({ impression: { status: 'loading' } });
    const reply = await this.transport.suggest(context);
    if (this.disposed) return;
    if (!reply.ok) return this.update({ impression: { status: 'error', ...reply.error } });
    const shown = { impression: reply.impression, shownAt: Date.now() };
    this.opts.onImpression?.(shown);
    this.update({ impression: { status: 'ready', ...shown } });
  };

  private ready() {
    return this.model.impression.status === 'ready' ? this.model.impression : null;
  }

  /** Saves through the background; on failure keeps it and retries with the next capture. */
  private async capture(annotation: AnnotationCapture, holdMs?: number): Promise<boolean> {
    this.queue.push({ annotation, holdMs });
    const pending = [...this.queue];
    this.queue = [];
    let ok = true;
    for (const item of pending) {
      const reply = await this.transport.capture(item.annotation, item.holdMs);
      if (!reply.ok) {
        this.queue.push(item);
        ok = false;
        this.update({ notice: { kind: 'error', text: `Not saved yet: ${reply.error?.message ?? 'unknown error'}` } });
      }
    }
    this.update({ unsaved: this.queue.length, ...(ok && this.model.notice?.kind === 'error' && { notice: null }) });
    return ok;
  }

  retryUnsaved = async () => {
    const pending = [...this.queue];
    this.queue = [];
    for (const item of pending) await this.capture(item.annotation, item.holdMs);
    if (pending.length === 0) this.update({ unsaved: 0 });
  };

  private annotation(typed: Parameters<typeof buildAnnotation>[1]): AnnotationCapture | null {
    const ready = this.ready();
    if (!ready) return null;
    return buildAnnotation({ impression: ready.impression, shownAt: ready.shownAt, clientVersion: this.opts.clientVersion }, typed);
  }

  insert = async (slot: Slot): Promise<InsertResult> => {
    const arm = this.ready()?.impression.arms.find((a) => a.slot === slot);
    if (!arm) return { ok: false, method: null };
    // Re-resolved on every action: the composer may have been re-rendered since the last one.
    const composer = this.adapter.findComposer(this.ticket);
    if (!composer) {
      const result: InsertResult = { ok: false, method: null, message: 'Could not find the reply box of this ticket. Open the reply box and try again.' };
      this.update({ notice: { kind: 'error', text: result.message! } });
      return result;
    }
    const result = await this.adapter.insertReply(composer, arm.text);
    // A reply on the clipboard still counts as inserted: the agent pastes it.
    if (result.ok || result.method === 'clipboard') this.update({ inserted: { slot, text: arm.text } });
    this.update({ notice: result.ok ? { kind: 'info', text: `Reply ${this.position(slot)} inserted. Edit it as you like, then send.` } : { kind: 'error', text: result.message ?? 'Could not insert the reply.' } });
    return result;
  };

  private position(slot: Slot): string {
    const order = this.ready()?.impression.displayOrder ?? [];
    if (order.length < 2) return '';
    return order[0] === slot ? '(left)' : '(right)';
  }

  prefer = async (verdict: PreferencePayload['verdict'], strength?: PreferencePayload['strength']) => {
    const ready = this.ready();
    if (!ready || this.model.preference || ready.impression.displayOrder.length !== 2) return;
    const shownOrder = ready.impression.displayOrder as PreferencePayload['shownOrder'];
    const payload: PreferencePayload = { verdict, shownOrder, ...(strength && (verdict === 'A' || verdict === 'B') && { strength }) };
    const annotation = this.annotation({ type: 'preference', payload });
    if (!annotation) return;
    this.update({ preference: { verdict, strength } });
    await this.capture(annotation);
  };

  rate = async (articleId: string, label: RelevanceLabel) => {
    const article = this.ready()?.impression.articles.find((a) => a.id === articleId);
    if (!article || this.model.relevance[articleId]) return;
    const annotation = this.annotation({ type: 'relevance', payload: { articleId, articleVersion: article.version, rank: article.rank, label } });
    if (!annotation) return;
    this.update({ relevance: { ...this.model.relevance, [articleId]: label } });
    await this.capture(annotation);
  };

  reportMissing = async (payload: MissingKnowledgePayload): Promise<boolean> => {
    const annotation = this.annotation({ type: 'missing_knowledge', payload });
    if (!annotation) return false;
    const ok = await this.capture(annotation);
    this.update({ missingReported: this.model.missingReported + 1, notice: { kind: 'info', text: 'Thanks: the missing knowledge was reported.' } });
    return ok;
  };

  /** The agent sent a reply in this ticket: record how the suggestion was used. */
  private async onSent(event: SentEvent): Promise<void> {
    if (!this.ready()) return;
    const inserted = this.model.inserted;
    // One adoption per inserted reply; a send without any insert counts once per impression.
    if (!inserted && this.adoptionRecorded) return;
    this.adoptionRecorded = true;
    const sentText = clip(event.text);
    const thresholds = DEFAULT_ADOPTION_THRESHOLDS;
    if (!inserted) {
      const annotation = this.annotation({ type: 'adoption', payload: { outcome: 'not_used', slot: null, similarity: null, thresholds, sentText, channel: event.channel } });
      if (annotation) await this.capture(annotation);
      this.update({ lastAdoption: { outcome: 'not_used', similarity: null } });
      return;
    }
    const { similarity, outcome } = adoptionOf(inserted.text, sentText, thresholds);
    const annotation = this.annotation({ type: 'adoption', payload: { outcome, slot: inserted.slot, similarity, thresholds, sentText, channel: event.channel } });
    this.update({ inserted: null, lastAdoption: { outcome, similarity } });
    if (!annotation) return;
    const askWhy = outcome === 'heavy_edit' || outcome === 'discarded';
    const saved = await this.capture(annotation, askWhy ? RATIONALE_HOLD_MS : undefined);
    if (askWhy && saved) this.update({ rationale: { annotationId: annotation.id, outcome } });
  }

  submitRationale = async (tags: RationaleTag[], text?: string) => {
    const pending = this.model.rationale;
    if (!pending) return;
    this.update({ rationale: null });
    const reply = await this.transport.amend(pending.annotationId, tags, text?.trim() ? clip(text.trim(), 2000) : undefined);
    this.update({ notice: reply.ok ? { kind: 'info', text: 'Thanks: your reason was recorded.' } : { kind: 'error', text: `Reason not recorded: ${reply.error?.message ?? 'unknown error'}` } });
  };

  /** Releases the held adoption without a rationale (it would also go out by itself after the hold). */
  skipRationale = async () => {
    const pending = this.model.rationale;
    if (!pending) return;
    this.update({ rationale: null });
    await this.transport.amend(pending.annotationId, []);
  };
}
