import * as oauth from 'oauth4webapi';
import type { CompanySignInRequest, EnrollmentMethods } from '../contract';
import { enrollmentMethods, signInWithCompanyAccount } from '../backend/enrollment-client';
import { keepIssuedToken, type EnrolmentDeps, type EnrolmentRecord } from './enrolment';
import { effectiveSettings } from '../settings/settings';

type Provider = NonNullable<EnrollmentMethods['companySignIn']>;

export class SignInError extends Error {}

export interface CompanySignInDeps extends Pick<EnrolmentDeps, 'settings' | 'loop' | 'fetch' | 'now'> {
  /** `browser.identity.launchWebAuthFlow`: opens the provider's page, resolves with the redirect URL. */
  launchWebAuthFlow(details: { url: string; interactive: boolean }): Promise<string | undefined>;
  /** `browser.identity.getRedirectURL()`: `https://<extension id>.chromiumapp.org/`. */
  redirectUrl: string;
}

/** The authorization request (code flow, PKCE S256, state and nonce) and what must come back with it. */
export async function authorizationRequest(provider: Provider, redirectUrl: string): Promise<{ url: string; codeVerifier: string; state: string; nonce: string }> {
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  const url = new URL(provider.authorizationEndpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', provider.clientId);
  url.searchParams.set('redirect_uri', redirectUrl);
  url.searchParams.set('scope', provider.scope);
  url.searchParams.set('state', state);
  url.searchParams.set('nonce', nonce);
  url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
  url.searchParams.set('code_challenge_method', 'S256');
  return { url: url.href, codeVerifier, state, nonce };
}

/**
 * Checks the provider's answer before the code goes anywhere: the state must be ours, an error
 * is said in words, an `iss` must be the provider's (RFC 9207). The server checks it all again.
 */
export function checkCallback(provider: Provider, callbackUrl: string, state: string): void {
  try {
    oauth.validateAuthResponse({ issuer: provider.issuer, authorization_endpoint: provider.authorizationEndpoint }, { client_id: provider.clientId }, new URL(callbackUrl), state);
  } catch (error) {
    if (error instanceof oauth.AuthorizationResponseError) throw new SignInError(`${provider.issuer} did not sign you in: ${error.error_description ?? error.error}`);
    throw new SignInError(`the sign-in answer from ${provider.issuer} failed its checks (${(error as Error).message}); sign in again`);
  }
}

/**
 * "Sign in with your company account": the provider from `GET /v1/enroll`, the provider's page in
 * `launchWebAuthFlow`, then `POST /v1/enroll/oidc` with the callback URL, the PKCE verifier, state
 * and nonce; the server redeems the code and verifies the ID token. The token is kept as a pasted
 * one is. The verifier never leaves the worker except to our backend.
 */
export async function signInWithCompany(deps: CompanySignInDeps): Promise<EnrolmentRecord> {
  const { settings, locked } = await effectiveSettings(deps.settings);
  if (!settings.backendUrl) throw new SignInError('set the backend URL first');
  if (locked.includes('token')) throw new SignInError('your administrator set the agent token by policy, so there is nothing to sign in for');
  const methods = await enrollmentMethods(settings.backendUrl, { fetch: deps.fetch });
  const provider = methods.companySignIn;
  if (!provider) throw new SignInError(`the backend at ${settings.backendUrl} does not offer company sign-in; ask your AITL admin`);
  const request = await authorizationRequest(provider, deps.redirectUrl);
  let callbackUrl: string | undefined;
  try {
    callbackUrl = await deps.launchWebAuthFlow({ url: request.url, interactive: true });
  } catch (error) {
    // Chrome rejects when the window is closed or the provider never redirects back.
    throw new SignInError(`sign-in did not finish (${(error as Error).message})`);
  }
  if (!callbackUrl) throw new SignInError('sign-in did not finish (no answer from the provider)');
  checkCallback(provider, callbackUrl, request.state);
  const body: CompanySignInRequest = { callbackUrl, codeVerifier: request.codeVerifier, state: request.state, nonce: request.nonce };
  const issued = await signInWithCompanyAccount(settings.backendUrl, body, { fetch: deps.fetch });
  return keepIssuedToken(deps, issued, { via: 'company_sign_in', platform: null, backendUrl: settings.backendUrl, keyFingerprint: null });
}
