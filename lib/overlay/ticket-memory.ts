import type { CarriedTicket, TicketRef } from '../contract';
import type { PanelService } from '../background/panel-service';

/**
 * What the panel remembers of a ticket the agent comes back to: the impression shown (so going
 * back shows it again instead of making a new one) and the reply inserted but not yet sent.
 */
export interface TicketMemory {
  recall(ticket: TicketRef): Promise<CarriedTicket | null>;
  keep(carried: CarriedTicket): void;
}

/** For the life of this page: enough for single-page helpdesks (Zendesk, Salesforce) and tests. */
export function pageMemory(): TicketMemory {
  const kept = new Map<string, CarriedTicket>();
  const key = (t: TicketRef) => `${t.platform}:${t.ticketId}`;
  return {
    recall: async (ticket) => kept.get(key(ticket)) ?? null,
    keep: (carried) => void kept.set(key(carried.ticket), carried),
  };
}

/**
 * Kept by the background for this tab, across full page loads: RT's reply form is a page of its
 * own, and *Update Ticket* loads the ticket again. The page's own copy answers first.
 */
export function tabMemory(background: Pick<PanelService, 'keep' | 'recall'>): TicketMemory {
  const page = pageMemory();
  return {
    async recall(ticket) {
      const here = await page.recall(ticket);
      if (here) return here;
      const reply = await background.recall(ticket);
      return reply.ok ? reply.carried : null;
    },
    keep(carried) {
      page.keep(carried);
      void background.keep(carried);
    },
  };
}
