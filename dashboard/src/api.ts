import type { AgreementResponse } from '../../lib/contract/agreement';
import type { MetricsResponse } from '../../lib/contract/metrics';

/** A failed API call, with the server's own message (the API's error bodies say what to fix). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A call to the API on this origin, the token as the bearer header (never a cookie or the URL). */
export async function apiFetch(path: string, token: string, init: { signal?: AbortSignal | undefined; method?: string; body?: unknown; accept?: string } = {}): Promise<Response> {
  let response: Response;
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: init.accept ?? 'application/json' };
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  try {
    response = await fetch(path, { method: init.method ?? 'GET', headers, signal: init.signal ?? null, ...(init.body !== undefined && { body: JSON.stringify(init.body) }) });
  } catch (error) {
    if (init.signal?.aborted) throw error;
    throw new ApiFailure(0, `the server did not answer (${String(error)}); is aitl serve running?`);
  }
  if (!response.ok) {
    // The API's error shape: {error: {code, message, requestId}}.
    const body: unknown = await response.json().catch(() => null);
    const message = (body as { error?: { message?: unknown } } | null)?.error?.message;
    throw new ApiFailure(response.status, typeof message === 'string' ? message : `${response.status} ${response.statusText}`);
  }
  return response;
}

/** A GET against the API on this origin, the token as the bearer header. */
export async function getJson<T>(path: string, token: string, signal?: AbortSignal): Promise<T> {
  const response = await apiFetch(path, token, { signal });
  return (await response.json()) as T;
}

/** A POST of a JSON body, answered with JSON. */
export async function postJson<T>(path: string, token: string, body: unknown): Promise<T> {
  const response = await apiFetch(path, token, { method: 'POST', body });
  return (await response.json()) as T;
}

export interface Window {
  from: string;
  to: string;
}

export const fetchMetrics = (token: string, window: Window, signal?: AbortSignal) =>
  getJson<MetricsResponse>(`/v1/metrics?${new URLSearchParams({ from: window.from, to: window.to })}`, token, signal);

export const fetchAgreement = (token: string, window: Window, signal?: AbortSignal) =>
  getJson<AgreementResponse>(`/v1/metrics/agreement?${new URLSearchParams({ from: window.from, to: window.to })}`, token, signal);

/** What a person reads when a token is refused. */
export function refusal(error: unknown): string {
  if (error instanceof ApiFailure) {
    if (error.status === 403) return 'This needs an operator or admin token. Agent tokens cannot read metrics.';
    if (error.status === 401) return `The server did not accept this token: ${error.message}`;
    return error.message;
  }
  return String(error);
}
