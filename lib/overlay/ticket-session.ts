import type { QueryClient } from '@tanstack/react-query';
import type { ImpressionState, PanelModel, PanelSession } from '../../components/panel-model';
import type { CarriedTicket } from '../contract';
import type { PanelService } from '../background/panel-service';
import type { ActiveTicket, HelpdeskAdapter } from '../sites/types';
import { adoption } from './adoption';
import { CaptureQueue } from './capture-queue';
import { missingKnowledge } from './missing-knowledge';
import { PanelStore } from './panel-store';
import { preference } from './preference';
import { relevance } from './relevance';
import { suggestionClient, suggestionKey, suggestionObserver, type SuggestionResult } from './suggestion-query';

/** What a ticket's session asks the background (the panel service in the extension, a double in tests). */
export type SessionTransport = Pick<PanelService, 'suggest' | 'capture' | 'amend'>;

export { RATIONALE_HOLD_MS } from './adoption';

/**
 * Everything the panel shows and does for one ticket: the suggestion, and the four annotation
 * types (each in its own file) saved through one capture queue. A new session is created for every
 * ticket the agent switches to, so nothing from one ticket can leak into another. Only the adapter
 * touches the helpdesk DOM; the panel gets the model and these actions.
 */
export class TicketSession implements PanelSession {
  private readonly store: PanelStore;
  private readonly captures: CaptureQueue;
  private readonly adoption: ReturnType<typeof adoption>;
  private stopSent: () => void = () => {};
  private stopCarry: () => void = () => {};
  private stopQuery: () => void = () => {};
  private readonly queries: QueryClient;
  private readonly suggestion: ReturnType<typeof suggestionObserver>;

  readonly rate: PanelSession['rate'];
  readonly prefer: PanelSession['prefer'];
  readonly reportMissing: PanelSession['reportMissing'];
  readonly insert: ReturnType<typeof adoption>['insert'];
  readonly submitRationale: PanelSession['submitRationale'];
  readonly skipRationale: PanelSession['skipRationale'];
  readonly retryUnsaved: PanelSession['retryUnsaved'];

  constructor(
    readonly adapter: HelpdeskAdapter,
    readonly ticket: ActiveTicket,
    private readonly url: URL,
    private readonly transport: SessionTransport,
    private readonly opts: {
      clientVersion?: string;
      /** What this ticket's panel showed before (this page, or an earlier page load of the tab). */
      carried?: CarriedTicket | null;
      /** Told what to remember whenever the impression shown or the reply inserted changes. */
      onCarry?: (state: Omit<CarriedTicket, 'ticket'>) => void;
      /** The page's suggestion cache (one per controller): what a ticket showed is shown again at once. */
      queries?: QueryClient;
    } = {},
  ) {
    const carried = opts.carried;
    this.queries = opts.queries ?? suggestionClient();
    const ref = { platform: ticket.platform, ticketId: ticket.ticketId };
    // Shown in an earlier page load of this tab (RT's reply form): this page's cache starts from it.
    if (carried && this.queries.getQueryData(suggestionKey(ref)) === undefined) this.queries.setQueryData(suggestionKey(ref), { impression: carried.impression, shownAt: carried.shownAt });
    this.suggestion = suggestionObserver(this.queries, ref, transport.suggest, () => adapter.readContext(ticket, url));
    this.store = new PanelStore({
      ticketId: ticket.ticketId,
      subject: null,
      impression: this.impressionOf(this.suggestion.getCurrentResult()) ?? { status: 'loading' },
      inserted: carried?.inserted ?? null,
      notice: null,
      preference: null,
      relevance: {},
      missingReported: 0,
      rationale: null,
      lastAdoption: null,
      unsaved: 0,
    });
    this.captures = new CaptureQueue(this.store, transport, opts.clientVersion);
    this.adoption = adoption(this.store, this.captures, adapter, ticket, transport);
    this.rate = relevance(this.store, this.captures).rate;
    this.prefer = preference(this.store, this.captures).prefer;
    this.reportMissing = missingKnowledge(this.store, this.captures).reportMissing;
    this.insert = this.adoption.insert;
    this.submitRationale = this.adoption.submitRationale;
    this.skipRationale = this.adoption.skipRationale;
    this.retryUnsaved = this.captures.retry;
  }

  get model(): PanelModel {
    return this.store.model;
  }

  subscribe = (listener: () => void) => this.store.subscribe(listener);
  getModel = () => this.store.model;

  start(): void {
    let last = this.store.model;
    this.stopCarry = this.store.subscribe(() => {
      const model = this.store.model;
      if (model.impression === last.impression && model.inserted === last.inserted) return;
      last = model;
      const shown = this.store.shown();
      if (shown) this.opts.onCarry?.({ impression: shown.impression, shownAt: shown.shownAt, inserted: model.inserted });
    });
    this.stopSent = this.adapter.observeSent(this.ticket, (event) => void this.adoption.onSent(event));
    const context = this.adapter.readContext(this.ticket, this.url);
    this.store.update({ subject: context.subject ?? null });
    // Subscribing asks the background, unless this page already has the ticket's suggestion (or is asking).
    this.stopQuery = this.suggestion.subscribe((result) => this.show(result));
    this.show(this.suggestion.getCurrentResult());
  }

  dispose(): void {
    this.stopQuery();
    this.stopSent();
    this.stopCarry();
    this.store.dispose();
  }

  /** Asks again after an error (never once a suggestion is shown: that would be a second impression). */
  load = async (): Promise<void> => {
    if (this.store.isDisposed || this.store.shown()) return;
    await this.suggestion.refetch();
  };

  private show(result: SuggestionResult): void {
    if (this.store.isDisposed) return;
    if (result.data?.shownAt === null) {
      // Fetched while the agent was on another ticket: seen from now on.
      this.queries.setQueryData(suggestionKey(this.ticket), { ...result.data, shownAt: Date.now() });
      return;
    }
    const next = this.impressionOf(result);
    const current = this.store.model.impression;
    if (!next || (next.status === 'ready' && current.status === 'ready' && current.impression.id === next.impression.id)) return;
    this.store.update({ impression: next });
  }

  private impressionOf(result: SuggestionResult): ImpressionState | null {
    if (result.data) return result.data.shownAt === null ? null : { status: 'ready', impression: result.data.impression, shownAt: result.data.shownAt };
    if (result.status === 'error') return { status: 'error', code: result.error.code ?? 'error', message: result.error.message };
    const reason = result.failureReason;
    return { status: 'loading', ...(result.failureCount > 0 && reason && { retrying: { attempt: result.failureCount, reason: reason.message } }) };
  }
}
