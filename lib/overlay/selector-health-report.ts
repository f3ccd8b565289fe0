import type { SelectorOutcomes } from '../sites/selector-table';
import type { HelpdeskAdapter } from '../sites/types';

export type ReportSelectorHealth = (ticketId: string, outcomes: SelectorOutcomes) => void;

/**
 * Tells the background, once per ticket the agent opens, which candidate of each selector matched
 * (adapter health; never page text). The report waits until the panel settled (the composer and
 * the conversation render after the pane), or goes out when the agent leaves the ticket. A ticket
 * whose pane never shows up is reported too, after a while: that is the helpdesk change that
 * leaves agents without a panel, and the one most worth seeing.
 */
export class SelectorHealthReporter {
  private ticketId: string | null = null;
  private found = false;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly adapter: Pick<HelpdeskAdapter, 'selectorHealth' | 'resetSelectorHealth'>,
    private readonly report: ReportSelectorHealth,
    private readonly opts: { settleMs?: number; notFoundMs?: number } = {},
  ) {}

  /** A ticket URL: count from here. */
  begin(ticketId: string): void {
    this.end();
    this.adapter.resetSelectorHealth();
    this.ticketId = ticketId;
    this.found = false;
    this.timer = setTimeout(() => this.send(), this.opts.notFoundMs ?? 15_000);
  }

  /** The ticket's pane rendered and its panel started. */
  ticketFound(): void {
    if (!this.ticketId) return;
    this.found = true;
    this.clearTimer();
    this.timer = setTimeout(() => this.send(), this.opts.settleMs ?? 5_000);
  }

  /** Leaving the ticket: a found ticket is reported now; one left before its pane could render is not (nothing failed yet). */
  end(): void {
    if (this.ticketId && this.found) this.send();
    this.clearTimer();
    this.ticketId = null;
  }

  private send(): void {
    const ticketId = this.ticketId;
    this.clearTimer();
    this.ticketId = null;
    if (!ticketId) return;
    const outcomes = this.adapter.selectorHealth();
    if (Object.keys(outcomes).length > 0) this.report(ticketId, outcomes);
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
