import { editSimilarity } from '../../edit-similarity';
import type { Channel, SentEvent } from '../types';
import type { RtTransaction } from './history';

/**
 * RT's *Update Ticket* is a form post: the page that had the composer is gone by the time the
 * reply is recorded, and RT shows the ticket again (Display.html?id=N&results=...). So the send is
 * taken in two page loads: the composer's text is noted when the agent submits, in the tab's
 * sessionStorage (the helpdesk's own origin, which receives that text anyway), and reported only
 * once the next page's history holds a new transaction that resembles it. A post RT refused
 * (a validation error shows the form again) adds no transaction and is never reported.
 */
const KEY = 'aitl:rt:pending-send';
/** A note older than this is not about the page now loading. */
const MAX_AGE_MS = 2 * 60_000;

export interface PendingSend {
  ticketId: string;
  text: string;
  channel: Channel;
  /** The newest transaction the agent saw before sending. */
  after: number;
  at: number;
  via: SentEvent['via'];
}

export function notePendingSend(win: Window, pending: PendingSend): void {
  try {
    win.sessionStorage.setItem(KEY, JSON.stringify(pending));
  } catch {
    // Storage disabled: this send is not captured; the reply itself goes out as usual.
  }
}

export function takePendingSend(win: Window, ticketId: string, now = Date.now()): PendingSend | null {
  let pending: PendingSend | null = null;
  try {
    pending = JSON.parse(win.sessionStorage.getItem(KEY) ?? 'null') as PendingSend | null;
  } catch {
    return null;
  }
  if (!pending || pending.ticketId !== ticketId || typeof pending.text !== 'string' || now - pending.at > MAX_AGE_MS) return null;
  win.sessionStorage.removeItem(KEY);
  return pending;
}

/** The transaction RT recorded for this send, or null: newer than the one seen, and resembling the text. */
export function confirmingTransaction(pending: PendingSend, history: RtTransaction[]): RtTransaction | null {
  const want = pending.text.trim();
  return history.find((t) => t.id > pending.after && t.message && (editSimilarity(want, t.message.text) >= 0.5 || t.message.text.includes(want.slice(0, 40)))) ?? null;
}
