import type { z } from 'zod';
import { ApiError, EnrollResponse, EnrollmentMethods, describeIssues, type CompanySignInRequest, type EnrollRequest } from '../contract';
import { BackendError, retryAfter } from './client';

/**
 * The backend's enrolment calls, made without a bearer token: `GET /v1/enroll` (which ways this
 * server offers), `POST /v1/enroll` (enrollment key + helpdesk email) and `POST /v1/enroll/oidc`
 * (company sign-in). Errors are BackendErrors whose message never repeats the key or the code.
 */

interface Options {
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const url = (backendUrl: string, path: string) => `${backendUrl.replace(/\/+$/, '')}${path}`;

async function call(backendUrl: string, path: string, body: unknown, opts: Options): Promise<unknown> {
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url(backendUrl, path), {
      method: body === undefined ? 'GET' : 'POST',
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      // Nothing of the helpdesk's or the backend's cookies: enrolment is the key or the code alone.
      credentials: 'omit',
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
  } catch (error) {
    throw new BackendError(0, `cannot reach the AITL backend at ${backendUrl} (${(error as Error).message}); retrying`);
  }
  if (response.ok) return response.json().catch(() => null);
  const parsed = ApiError.safeParse(await response.json().catch(() => null));
  const detail = parsed.success ? parsed.data.error.message : response.statusText || `HTTP ${response.status}`;
  const message =
    response.status === 401
      ? `the backend refused ${path === '/v1/enroll' ? 'the enrollment key' : 'the sign-in'} (${detail}); ask your AITL admin`
      : response.status === 403
        ? `the backend will not enrol this account (${detail}); ask your AITL admin`
        : response.status === 404
          ? `the backend at ${backendUrl} does not offer ${path} (${detail}); check the backend URL or update the backend`
          : response.status === 429
            ? `the backend is limiting enrolments (${detail}); retrying later`
            : `the backend answered ${response.status} (${detail})`;
  throw new BackendError(response.status, message, retryAfter(response.headers.get('retry-after')));
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new BackendError(502, `the backend sent ${what} AITL cannot read (${describeIssues(parsed.error)}); update the extension or the backend`);
  return parsed.data;
}

export async function enrollmentMethods(backendUrl: string, opts: Options = {}): Promise<EnrollmentMethods> {
  return parse(EnrollmentMethods, await call(backendUrl, '/v1/enroll', undefined, opts), 'enrolment methods');
}

export async function enroll(backendUrl: string, request: EnrollRequest, opts: Options = {}): Promise<EnrollResponse> {
  return parse(EnrollResponse, await call(backendUrl, '/v1/enroll', request, opts), 'an enrolment');
}

export async function signInWithCompanyAccount(backendUrl: string, request: CompanySignInRequest, opts: Options = {}): Promise<EnrollResponse> {
  return parse(EnrollResponse, await call(backendUrl, '/v1/enroll/oidc', request, opts), 'a sign-in');
}
