// @vitest-environment node
import 'fake-indexeddb/auto';
import { createHash } from 'node:crypto';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SignInError, signInWithCompany } from '../../lib/background/company-sign-in';
import { readEnrolment } from '../../lib/background/enrolment';
import { EnrollmentMethods } from '../../lib/contract';
import { SettingsDb } from '../../lib/settings/settings-db';
import { backendTarget } from '../../lib/settings/settings';

const BACKEND = 'https://aitl.corp.example';
const REDIRECT = 'https://aidellcenmenbfdaogiajhhlfppkapll.chromiumapp.org/';
const TOKEN = `aitl_agent_${'56'.repeat(32)}`;
const PROVIDER = {
  issuer: 'https://login.acme.example',
  clientId: 'aitl-extension',
  authorizationEndpoint: 'https://login.acme.example/oauth2/authorize',
  scope: 'openid email',
  codeChallengeMethod: 'S256' as const,
  emailDomains: ['acme.example'],
};
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const base64url = (bytes: Buffer) => bytes.toString('base64').replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

describe('company sign-in (authorization code + PKCE through launchWebAuthFlow)', () => {
  let settings: SettingsDb;
  let posted: Record<string, string>[];
  let fetch: typeof globalThis.fetch;
  const loop = { request: vi.fn(async () => null) };

  beforeEach(async () => {
    fakeBrowser.reset();
    settings = new SettingsDb(`aitl-sign-in-${crypto.randomUUID()}`);
    await fakeBrowser.storage.managed.set({ backendUrl: BACKEND });
    posted = [];
    fetch = (async (url: string, init: RequestInit) => {
      if (url === `${BACKEND}/v1/enroll` && init.method === 'GET') return json(EnrollmentMethods.parse({ enrollmentKey: true, companySignIn: PROVIDER }));
      if (url === `${BACKEND}/v1/enroll/oidc` && init.method === 'POST') {
        posted.push(JSON.parse(String(init.body)));
        return json({ token: TOKEN, tenant: 'acme', agent: 'jane@acme.example' });
      }
      throw new Error(`unexpected ${init.method} ${url}`);
    }) as unknown as typeof globalThis.fetch;
  });
  afterEach(async () => {
    settings.close();
    await settings.delete();
  });

  /** The provider: checks the request as a real one would and redirects back with a code. */
  const provider = (answer: (request: URL) => string) => vi.fn(async ({ url }: { url: string; interactive: boolean }) => answer(new URL(url)));

  it('sends code + PKCE S256, state and nonce, and hands the callback and verifier to the backend', async () => {
    const launchWebAuthFlow = provider((request) => `${REDIRECT}?code=c0de&state=${request.searchParams.get('state')}&iss=${encodeURIComponent(PROVIDER.issuer)}`);
    const record = await signInWithCompany({ settings, loop, fetch, launchWebAuthFlow, redirectUrl: REDIRECT });
    const request = new URL(launchWebAuthFlow.mock.calls[0]![0].url);
    expect(launchWebAuthFlow.mock.calls[0]![0].interactive).toBe(true);
    expect(`${request.origin}${request.pathname}`).toBe(PROVIDER.authorizationEndpoint);
    const params = Object.fromEntries(request.searchParams);
    expect(params).toMatchObject({ response_type: 'code', client_id: 'aitl-extension', redirect_uri: REDIRECT, scope: 'openid email', code_challenge_method: 'S256' });
    const [body] = posted;
    expect(body).toEqual({ callbackUrl: `${REDIRECT}?code=c0de&state=${params.state}&iss=${encodeURIComponent(PROVIDER.issuer)}`, codeVerifier: expect.stringMatching(/^[A-Za-z0-9_-]{43,128}$/), state: params.state, nonce: params.nonce });
    // The challenge is the S256 of the verifier the backend gets (RFC 7636 4.2).
    expect(params.code_challenge).toBe(base64url(createHash('sha256').update(body!.codeVerifier!).digest()));
    expect(params.state).not.toBe(params.nonce);
    expect(record).toMatchObject({ state: 'enrolled', via: 'company_sign_in', agent: 'jane@acme.example', tenant: 'acme' });
    expect(await backendTarget(settings)).toEqual({ backendUrl: BACKEND, token: TOKEN });
    expect(JSON.stringify(await readEnrolment(settings))).not.toContain(TOKEN);
  });

  it('two sign-ins never share a verifier, state or nonce', async () => {
    const launchWebAuthFlow = provider((request) => `${REDIRECT}?code=c&state=${request.searchParams.get('state')}`);
    await signInWithCompany({ settings, loop, fetch, launchWebAuthFlow, redirectUrl: REDIRECT });
    await signInWithCompany({ settings, loop, fetch, launchWebAuthFlow, redirectUrl: REDIRECT });
    for (const field of ['codeVerifier', 'state', 'nonce']) expect(posted[0]![field]).not.toBe(posted[1]![field]);
  });

  it.each([
    ['a callback with another state (a forged or stale answer)', () => `${REDIRECT}?code=c0de&state=someone-elses`, /failed its checks/],
    ['the provider refusing', (r: URL) => `${REDIRECT}?error=access_denied&error_description=${encodeURIComponent('User is not assigned to AITL')}&state=${r.searchParams.get('state')}`, /did not sign you in: User is not assigned to AITL/],
    ['a callback from another issuer', (r: URL) => `${REDIRECT}?code=c0de&state=${r.searchParams.get('state')}&iss=${encodeURIComponent('https://evil.example')}`, /failed its checks/],
  ])('sends nothing to the backend on %s', async (_case, answer, message) => {
    const launchWebAuthFlow = provider(answer);
    await expect(signInWithCompany({ settings, loop, fetch, launchWebAuthFlow, redirectUrl: REDIRECT })).rejects.toThrow(message);
    expect(posted).toHaveLength(0);
    expect(await backendTarget(settings)).toBeNull();
  });

  it('says so when the window is closed, or the backend offers no company sign-in', async () => {
    const closed = vi.fn(async () => Promise.reject(new Error('The user did not approve access.')));
    await expect(signInWithCompany({ settings, loop, fetch, launchWebAuthFlow: closed, redirectUrl: REDIRECT })).rejects.toThrow('sign-in did not finish (The user did not approve access.)');
    const noOidc = (async () => json({ enrollmentKey: true, companySignIn: null })) as unknown as typeof globalThis.fetch;
    const error = await signInWithCompany({ settings, loop, fetch: noOidc, launchWebAuthFlow: closed, redirectUrl: REDIRECT }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as Error).message).toMatch(/does not offer company sign-in/);
    expect(closed).toHaveBeenCalledOnce();
  });
});
