import { ApiError, Health, TokenOwner } from '../contract';
import { endpoint, type BackendTarget } from './client';

type Outcome<T> = ({ ok: true } & T) | { ok: false; message: string };

/** What the options page's "Test connection" shows: is the backend up, and whose is the token. */
export interface ConnectionCheck {
  backendUrl: string;
  health: Outcome<{ version: string; db: Health['db'] }>;
  /** Null when no token is set (nothing to ask about). */
  owner: Outcome<TokenOwner> | null;
}

async function getJson(target: BackendTarget, path: string, authorized: boolean, doFetch: typeof fetch, timeoutMs: number): Promise<{ status: number; body: unknown } | { unreachable: string }> {
  try {
    const response = await doFetch(endpoint(target, path), {
      headers: authorized ? { authorization: `Bearer ${target.token}` } : {},
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  } catch (error) {
    return { unreachable: (error as Error).message };
  }
}

const detail = (body: unknown) => {
  const parsed = ApiError.safeParse(body);
  return parsed.success ? parsed.data.error.message : null;
};

async function checkHealth(target: BackendTarget, doFetch: typeof fetch, timeoutMs: number): Promise<ConnectionCheck['health']> {
  const res = await getJson(target, '/healthz', false, doFetch, timeoutMs);
  if ('unreachable' in res) return { ok: false, message: `Cannot reach ${target.backendUrl} (${res.unreachable}). Check the address, that the backend is running, and that you allowed access to it.` };
  const health = Health.safeParse(res.body);
  if (!health.success) return { ok: false, message: `${target.backendUrl} answered ${res.status}, but not as an AITL backend does. Check the address.` };
  if (!health.data.ok) return { ok: false, message: `The backend is up (version ${health.data.version}) but cannot reach its database; tell your AITL admin.` };
  return { ok: true, version: health.data.version, db: health.data.db };
}

async function checkOwner(target: BackendTarget, doFetch: typeof fetch, timeoutMs: number): Promise<NonNullable<ConnectionCheck['owner']>> {
  const res = await getJson(target, '/v1/whoami', true, doFetch, timeoutMs);
  if ('unreachable' in res) return { ok: false, message: 'Could not ask the backend about the token: it is unreachable.' };
  if (res.status === 401) return { ok: false, message: `The backend refused the token (${detail(res.body) ?? 'unauthorized'}). Paste a valid agent token, or ask your AITL admin for one.` };
  if (res.status === 404) return { ok: false, message: 'This backend is too old to say whose a token is (no /v1/whoami); update it.' };
  const owner = TokenOwner.safeParse(res.body);
  if (res.status !== 200 || !owner.success) return { ok: false, message: `The backend answered ${res.status} (${detail(res.body) ?? 'unexpected reply'}).` };
  return { ok: true, ...owner.data };
}

/** Both questions at once; never throws, every failure says what to do. */
export async function checkConnection(target: BackendTarget, opts: { fetch?: typeof fetch; timeoutMs?: number } = {}): Promise<ConnectionCheck> {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const [health, owner] = await Promise.all([checkHealth(target, doFetch, timeoutMs), target.token ? checkOwner(target, doFetch, timeoutMs) : Promise.resolve(null)]);
  return { backendUrl: target.backendUrl, health, owner };
}
