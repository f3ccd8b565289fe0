import { ApiError } from '../contract';

/** Where and as whom the background talks to the AITL backend. */
export interface BackendTarget {
  backendUrl: string;
  token: string;
}

export class BackendError extends Error {
  constructor(
    /** 0 when the backend could not be reached at all. */
    readonly status: number,
    message: string,
    /** From `Retry-After` on 429/503, in milliseconds. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(message);
  }
  get unreachable() {
    return this.status === 0;
  }
}

export function retryAfter(header: string | null): number | null {
  if (!header) return null;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

export const endpoint = (target: BackendTarget, path: string) => `${target.backendUrl.replace(/\/+$/, '')}${path}`;

/** POSTs JSON with the agent's token; any non-2xx becomes a BackendError whose message says what to do. */
export async function postJson(target: BackendTarget, path: string, body: unknown, opts: { timeoutMs?: number; fetch?: typeof fetch; preserialized?: boolean } = {}): Promise<unknown> {
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(endpoint(target, path), {
      method: 'POST',
      headers: { authorization: `Bearer ${target.token}`, 'content-type': 'application/json' },
      body: opts.preserialized ? (body as string) : JSON.stringify(body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 30_000),
    });
  } catch (error) {
    throw new BackendError(0, `cannot reach the AITL backend at ${target.backendUrl} (${(error as Error).message}); check your network or the backend URL in the options`);
  }
  if (response.ok) return response.json();
  const parsed = ApiError.safeParse(await response.json().catch(() => null));
  const detail = parsed.success ? parsed.data.error.message : response.statusText;
  const message =
    response.status === 401
      ? `the backend refused the token (${detail}); paste a valid agent token in the AITL options`
      : response.status === 403
        ? `the backend refused this request (${detail}); ask your AITL admin for an agent token`
        : response.status === 404
          ? `the backend at ${target.backendUrl} has no ${path} (${detail}); check the backend URL or update the backend`
          : response.status === 429
            ? `the backend is rate limiting this agent (${detail}); retrying later`
            : `the backend answered ${response.status} (${detail})`;
  throw new BackendError(response.status, message, retryAfter(response.headers.get('retry-after')));
}
