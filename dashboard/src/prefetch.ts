import { INITIAL_WINDOW, metricsQuery, queryClient } from './metrics-query';
import { sessionToken } from './session-token';

/**
 * Imported first by main.tsx, so it runs before React DOM and the pages are evaluated: a tab that
 * holds a token starts its metrics call (the longest wait of the first paint) while they are, and
 * the page then finds it under way in react-query's cache. Without a token it does nothing (the
 * sign-in form checks the pasted one itself).
 */
const token = sessionToken.read();
if (token) void queryClient.prefetchQuery(metricsQuery(token, INITIAL_WINDOW));
