import type { PanelModel, PanelSession } from '../../components/panel-model';
import type { CarriedTicket, TicketContext } from '../contract';
import type { PanelService } from '../background/panel-service';
import type { ActiveTicket, HelpdeskAdapter } from '../sites/types';
import { adoption } from './adoption';
import { CaptureQueue } from './capture-queue';
import { missingKnowledge } from './missing-knowledge';
import { PanelStore } from './panel-store';
import { preference } from './preference';
import { relevance } from './relevance';

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
    } = {},
  ) {
    const carried = opts.carried;
    this.store = new PanelStore({
      ticketId: ticket.ticketId,
      subject: null,
      impression: carried ? { status: 'ready', impression: carried.impression, shownAt: carried.shownAt } : { status: 'loading' },
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
    if (this.store.model.impression.status !== 'ready') void this.load(context);
  }

  dispose(): void {
    this.stopSent();
    this.stopCarry();
    this.store.dispose();
  }

  load = async (context: TicketContext = this.adapter.readContext(this.ticket, this.url)): Promise<void> => {
    this.store.update({ impression: { status: 'loading' } });
    const reply = await this.transport.suggest(context);
    if (this.store.isDisposed) return;
    if (!reply.ok) return this.store.update({ impression: { status: 'error', ...reply.error } });
    const shown = { impression: reply.impression, shownAt: Date.now() };
    this.store.update({ impression: { status: 'ready', ...shown } });
  };
}
