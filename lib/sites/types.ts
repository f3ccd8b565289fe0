import type { Platform, TicketContext } from '../contract';
import type { SelectorOutcomes } from './selector-table';

/** The ticket the agent is looking at, with the element that scopes every query for it. */
export interface ActiveTicket {
  platform: Platform;
  ticketId: string;
  /** The active ticket's pane. Zendesk and Salesforce keep other tickets mounted: never query outside it. */
  root: Element;
}

export type ComposerKind = 'ckeditor5' | 'ckeditor4-iframe' | 'quill' | 'textarea' | 'contenteditable';
export type Channel = 'public' | 'internal' | 'unknown';

export interface ComposerHandle {
  /** The editable element (for CKEditor 4, the body inside the email iframes). */
  element: HTMLElement;
  kind: ComposerKind;
  channel: Channel;
  ticketId: string;
}

export type InsertMethod = 'editor-api' | 'paste-html' | 'dom-events' | 'exec-command' | 'clipboard';
export interface InsertResult {
  ok: boolean;
  method: InsertMethod | null;
  /** What the agent should do next when the text did not land in the composer. */
  message?: string;
}

export interface SentEvent {
  ticketId: string;
  /** The composer's text when the agent pressed send. */
  text: string;
  channel: Channel;
  at: number;
  via: 'submit-click' | 'keyboard';
}

/**
 * One per helpdesk. Site facts (URL patterns, selectors) live in the adapter's selector table;
 * the panel never touches the helpdesk DOM, it gets plain data and callbacks from here.
 */
export interface HelpdeskAdapter {
  platform: Platform;
  /** Hostnames this adapter serves (checked before anything else runs). */
  matchesHost(hostname: string): boolean;
  /** The ticket id in a ticket URL, or null: the only work done on non-ticket pages. */
  ticketIdFromUrl(url: URL): string | null;
  /** Fetches what a ticket page does not show itself (RT's update page: the history), before `detectTicket`. */
  preload?(doc: Document, url: URL, signal: AbortSignal): Promise<void>;
  /** The active ticket's pane, or null while it is not rendered (or another ticket is active). */
  detectTicket(doc: Document, url: URL): ActiveTicket | null;
  readContext(ticket: ActiveTicket, url: URL): TicketContext;
  findComposer(ticket: ActiveTicket): ComposerHandle | null;
  readComposer(composer: ComposerHandle): string;
  insertReply(composer: ComposerHandle, reply: string): Promise<InsertResult>;
  /** Calls back once per confirmed send in this ticket; returns the unsubscribe function. */
  observeSent(ticket: ActiveTicket, onSent: (event: SentEvent) => void): () => void;
  /** Per selector key, the best candidate matched since the last reset (0 primary, n a fallback, null none): adapter health. */
  selectorHealth(): SelectorOutcomes;
  /** Starts counting afresh (a new ticket). */
  resetSelectorHealth(): void;
}
