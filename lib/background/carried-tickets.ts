import { browser } from 'wxt/browser';
import { CarriedTicket, type TicketRef } from '../contract';

/**
 * A tab's panel state per ticket, across full page loads (RT's reply form is its own page). In
 * `storage.session`: in memory only, gone with the browser session, and out of the helpdesk
 * page's reach (content scripts cannot read session storage unless the extension allows it).
 */
const KEEP_PER_TAB = 5;
const keyOf = (tabId: number) => `carried:${tabId}`;
const sameTicket = (a: TicketRef, b: TicketRef) => a.platform === b.platform && a.ticketId === b.ticketId;

async function read(tabId: number): Promise<CarriedTicket[]> {
  const stored = (await browser.storage.session.get(keyOf(tabId)))[keyOf(tabId)];
  const parsed = CarriedTicket.array().safeParse(stored);
  return parsed.success ? parsed.data : [];
}

export async function keepCarried(tabId: number, carried: CarriedTicket): Promise<void> {
  const others = (await read(tabId)).filter((c) => !sameTicket(c.ticket, carried.ticket));
  await browser.storage.session.set({ [keyOf(tabId)]: [...others, carried].slice(-KEEP_PER_TAB) });
}

export async function recallCarried(tabId: number, ticket: TicketRef): Promise<CarriedTicket | null> {
  return (await read(tabId)).find((c) => sameTicket(c.ticket, ticket)) ?? null;
}

export async function forgetCarried(tabId: number, ticket: TicketRef): Promise<void> {
  await browser.storage.session.set({ [keyOf(tabId)]: (await read(tabId)).filter((c) => !sameTicket(c.ticket, ticket)) });
}

/** A closed tab's state goes with it. */
export async function forgetTab(tabId: number): Promise<void> {
  await browser.storage.session.remove(keyOf(tabId));
}
