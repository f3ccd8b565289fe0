import type { QueryClient } from '@tanstack/react-query';
import type { HelpdeskAdapter } from '../sites/types';
import { suggestionClient } from './suggestion-query';
import { SelectorHealthReporter, type ReportSelectorHealth } from './selector-health-report';
import { pageMemory, type TicketMemory } from './ticket-memory';
import { TicketSession, type SessionTransport } from './ticket-session';
import { waitForTicket } from './wait-for-ticket';

export interface OverlayView {
  /** Show the panel for this session (mounting it the first time). */
  show(session: TicketSession): void;
  hide(): void;
}

/**
 * Follows the agent between tickets: on every URL change it drops the old ticket's session and,
 * on a ticket URL, waits for that ticket's pane and binds a fresh session to it. What was shown is
 * remembered per ticket (`memory`), so going back to a ticket shows it again (no new impression),
 * also after a full page load when the memory is the tab's.
 */
export class OverlayController {
  private session: TicketSession | null = null;
  private binding: AbortController | null = null;
  private readonly memory: TicketMemory;
  /** Every ticket's suggestion on this page, so coming back to a ticket shows its impression at once and never asks twice. */
  private readonly queries: QueryClient = suggestionClient();
  private readonly health: SelectorHealthReporter | null;

  constructor(
    private readonly adapter: HelpdeskAdapter,
    private readonly doc: Document,
    private readonly transport: SessionTransport,
    private readonly view: OverlayView,
    private readonly opts: { clientVersion?: string; isEnabled?: () => Promise<boolean>; memory?: TicketMemory; reportHealth?: ReportSelectorHealth } = {},
  ) {
    this.memory = opts.memory ?? pageMemory();
    this.health = opts.reportHealth ? new SelectorHealthReporter(adapter, opts.reportHealth) : null;
  }

  get current(): TicketSession | null {
    return this.session;
  }

  async onLocation(url: URL): Promise<void> {
    const ticketId = this.adapter.ticketIdFromUrl(url);
    if (this.session && this.session.ticket.ticketId === ticketId && this.session.ticket.root.isConnected) return;
    this.binding?.abort();
    this.session?.dispose();
    this.session = null;
    this.health?.end();
    if (!ticketId) {
      this.view.hide();
      return;
    }
    const binding = new AbortController();
    this.binding = binding;
    if (this.opts.isEnabled && !(await this.opts.isEnabled())) return;
    if (binding.signal.aborted) return;
    this.health?.begin(ticketId);
    let ticket;
    try {
      await this.adapter.preload?.(this.doc, url, binding.signal);
      ticket = await waitForTicket(this.adapter, this.doc, url, binding.signal);
    } catch {
      return; // navigated away before the ticket rendered
    }
    const ref = { platform: ticket.platform, ticketId: ticket.ticketId };
    const carried = await this.memory.recall(ref);
    if (binding.signal.aborted) return;
    const session = new TicketSession(this.adapter, ticket, url, this.transport, {
      clientVersion: this.opts.clientVersion,
      carried,
      queries: this.queries,
      onCarry: (state) => this.memory.keep({ ticket: ref, ...state }),
    });
    this.session = session;
    session.start();
    this.view.show(session);
    this.health?.ticketFound();
  }

  dispose(): void {
    this.health?.end();
    this.binding?.abort();
    this.session?.dispose();
    this.session = null;
    this.view.hide();
    this.queries.clear();
  }
}
