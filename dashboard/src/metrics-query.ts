import { QueryClient, queryOptions } from '@tanstack/react-query';
import { ApiFailure, fetchMetrics, type Window } from './api';
import { windowOf, type Range } from './window-range';

export const queryClient = new QueryClient({ defaultOptions: { queries: { staleTime: 60_000, refetchOnWindowFocus: false } } });

/** `GET /v1/metrics` for a token and window, as react-query caches it; a refusal (4xx) is not retried. */
export const metricsQuery = (token: string, window: Window) =>
  queryOptions({
    queryKey: ['metrics', token, window.from, window.to] as const,
    queryFn: ({ signal }) => fetchMetrics(token, window, signal),
    retry: (count, error) => !(error instanceof ApiFailure && error.status >= 400 && error.status < 500) && count < 2,
  });

/**
 * The range the dashboard opens on and its window, computed once when the bundle loads: the first
 * metrics call starts then (prefetch.ts), before React has rendered, and the page asks for the
 * same window, so it finds that call in the cache.
 */
export const INITIAL_RANGE: Range = { kind: 'preset', weeks: 12 };
export const INITIAL_WINDOW = windowOf(INITIAL_RANGE);
