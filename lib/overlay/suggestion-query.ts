import { QueryClient, QueryObserver, type QueryObserverResult } from '@tanstack/react-query';
import type { Impression, TicketContext, TicketRef } from '../contract';
import type { PanelService } from '../background/panel-service';
import { spreadRetryAfter } from '../retry-after';

/** A ticket's suggestion as the page keeps it: the impression, and when the agent first saw it (null: fetched while nobody watched). */
export interface ShownSuggestion {
  impression: Impression;
  shownAt: number | null;
}

/** Why the background could not give a suggestion, as `Reply` errors say it. */
export class SuggestionError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The backend's `Retry-After` on 429/503, in ms. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
}

// Worth asking again: the backend is busy or briefly away. A refused token or a bad reply is not.
const RETRYABLE = new Set(['offline', 'http_429', 'http_502', 'http_503', 'http_504']);
export const SUGGESTION_RETRIES = 3;
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 15_000;
/** A `Retry-After` longer than this is not waited out behind "Loading…": the panel says so and offers Try again. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** `failureCount` is react-query's: the failures before this one (0 after the first). */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (!(error instanceof SuggestionError) || !RETRYABLE.has(error.code)) return false;
  if (error.retryAfterMs !== null && error.retryAfterMs > MAX_RETRY_AFTER_MS) return false;
  return failureCount < SUGGESTION_RETRIES;
}

/** The backend's `Retry-After` when it sent one (spread, so a shed crowd does not return at once), else exponential backoff (1 s, 2 s, 4 s … at most 15 s) with jitter. */
export function retryDelayMs(failureCount: number, error: unknown, random: () => number = Math.random): number {
  if (error instanceof SuggestionError && error.retryAfterMs !== null) return spreadRetryAfter(error.retryAfterMs, random);
  const backoff = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** failureCount);
  return Math.round(backoff * (0.75 + 0.5 * random()));
}

/**
 * The page's cache of suggestions, one query per ticket. An impression is an event (asking again
 * makes a new one on the backend), so a ticket's suggestion never goes stale, is never refetched
 * on focus or reconnect, and lives as long as the page: going back to a ticket shows the same one.
 */
export function suggestionClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: Infinity,
        gcTime: Infinity,
        refetchOnWindowFocus: false,
        refetchOnReconnect: false,
        // The background reaches the backend, not this page: its own `offline` answer is what counts.
        networkMode: 'always',
        retry: shouldRetry,
        retryDelay: (failureCount, error) => retryDelayMs(failureCount, error),
      },
    },
  });
}

export const suggestionKey = (ticket: TicketRef) => ['suggestion', ticket.platform, ticket.ticketId] as const;

/**
 * Watches one ticket's suggestion: asks the background once (however many times the panel
 * renders, and shared with any other watcher of the ticket), retries what is worth retrying.
 */
export function suggestionObserver(client: QueryClient, ticket: TicketRef, suggest: PanelService['suggest'], readContext: () => TicketContext) {
  const queryKey = suggestionKey(ticket);
  return new QueryObserver<ShownSuggestion, SuggestionError>(client, {
    queryKey,
    queryFn: async () => {
      const reply = await suggest(readContext());
      if (!reply.ok) throw new SuggestionError(reply.error.code, reply.error.message, reply.error.retryAfterMs ?? null);
      const watched = (client.getQueryCache().find({ queryKey })?.getObserversCount() ?? 0) > 0;
      return { impression: reply.impression, shownAt: watched ? Date.now() : null };
    },
  });
}

export type SuggestionResult = QueryObserverResult<ShownSuggestion, SuggestionError>;
