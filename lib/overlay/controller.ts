import type { Impression } from '../contract';
import type { HelpdeskAdapter } from '../sites/types';
import { TicketSession, type SessionTransport } from './ticket-session';
import { waitForTicket } from './wait-for-ticket';

export interface OverlayView {
  /** Show the panel for this session (mounting it the first time). */
  show(session: TicketSession): void;
  hide(): void;
}

/**
 * Follows the agent between tickets: on every URL change it drops the old ticket's session and,
 * on a ticket URL, waits for that ticket's pane and binds a fresh session to it. Impressions are
 * cached by ticket id so going back to a ticket shows what was shown before (no new impression).
 */
export class OverlayController {
  private session: TicketSession | null = null;
  private binding: AbortController | null = null;
  private readonly impressions = new Map<string, { impression: Impression; shownAt: number }>();

  constructor(
    private readonly adapter: HelpdeskAdapter,
    private readonly doc: Document,
    private readonly transport: SessionTransport,
    private readonly view: OverlayView,
    private readonly opts: { clientVersion?: string; isEnabled?: () => Promise<boolean> } = {},
  ) {}

  get current(): TicketSession | null {
    return this.session;
  }

  async onLocation(url: URL): Promise<void> {
    const ticketId = this.adapter.ticketIdFromUrl(url);
    if (this.session && this.session.ticket.ticketId === ticketId && this.session.ticket.root.isConnected) return;
    this.binding?.abort();
    this.session?.dispose();
    this.session = null;
    if (!ticketId) {
      this.view.hide();
      return;
    }
    const binding = new AbortController();
    this.binding = binding;
    if (this.opts.isEnabled && !(await this.opts.isEnabled())) return;
    let ticket;
    try {
      ticket = await waitForTicket(this.adapter, this.doc, url, binding.signal);
    } catch {
      return; // navigated away before the ticket rendered
    }
    if (binding.signal.aborted) return;
    const key = `${ticket.platform}:${ticket.ticketId}`;
    const session = new TicketSession(this.adapter, ticket, url, this.transport, {
      clientVersion: this.opts.clientVersion,
      cachedImpression: this.impressions.get(key),
      onImpression: (shown) => this.impressions.set(key, shown),
    });
    this.session = session;
    session.start();
    this.view.show(session);
  }

  dispose(): void {
    this.binding?.abort();
    this.session?.dispose();
    this.session = null;
    this.view.hide();
  }
}
