import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CompanySignIn, SignInRefused, SignInUnavailable, type CompanySignInConfig } from '../../src/enrollment/company-sign-in';
import { CLIENT_ID, OTHER_CLIENT_ID, startOidcProvider, type TestProvider } from '../helpers/oidc-provider';

const ACCOUNTS = {
  robin: { email: 'Robin@Example.com', emailVerified: true },
  outsider: { email: 'robin@elsewhere.io', emailVerified: true },
  unverified: { email: 'casey@example.com', emailVerified: false },
};

/** The reason a verification was refused with, or 'accepted'. */
async function outcome(check: Promise<unknown>): Promise<string> {
  try {
    await check;
    return 'accepted';
  } catch (error) {
    if (error instanceof SignInRefused) return `${error.status} ${error.reason}`;
    throw error;
  }
}

describe('company sign-in against a real OpenID provider (oidc-provider)', () => {
  let provider: TestProvider;
  let impostor: TestProvider;
  let signIn: CompanySignIn;
  const config = (issuer: string): CompanySignInConfig => ({ issuer, clientId: CLIENT_ID, tenantId: 'acme', emailDomains: ['example.com'] });

  beforeAll(async () => {
    provider = await startOidcProvider(ACCOUNTS);
    impostor = await startOidcProvider(ACCOUNTS);
    signIn = new CompanySignIn(config(provider.issuer));
  });
  afterAll(async () => {
    await provider?.close();
    await impostor?.close();
  });

  it('accepts a good ID token: the verified email, lower-cased, and the subject', async () => {
    const idToken = await provider.idTokenFor(await provider.authorize({ account: 'robin' }));
    expect(await signIn.verifyIdToken(idToken)).toEqual({ agent: 'robin@example.com', subject: 'robin' });
  });

  it('refuses a token issued to another application (wrong audience)', async () => {
    const idToken = await provider.idTokenFor(await provider.authorize({ account: 'robin', clientId: OTHER_CLIENT_ID }), OTHER_CLIENT_ID);
    expect(decodeJwt(idToken).aud).toBe(OTHER_CLIENT_ID);
    expect(await outcome(signIn.verifyIdToken(idToken))).toBe('401 wrong_audience');
  });

  it('refuses an expired token', async () => {
    const idToken = await provider.idTokenFor(await provider.authorize({ account: 'robin' }));
    const afterExpiry = new Date((decodeJwt(idToken).exp! + 3600) * 1000);
    expect(await outcome(signIn.verifyIdToken(idToken, afterExpiry))).toBe('401 expired_id_token');
  });

  it('refuses a token signed with a key the issuer does not publish (unknown key id)', async () => {
    // Another provider's real token: same client id and claims, but its own signing key.
    const idToken = await impostor.idTokenFor(await impostor.authorize({ account: 'robin' }));
    expect(await outcome(signIn.verifyIdToken(idToken))).toBe('401 unknown_signing_key');
  });

  it('refuses addresses outside the allowed domains and unverified addresses', async () => {
    const outsider = await provider.idTokenFor(await provider.authorize({ account: 'outsider' }));
    expect(await outcome(signIn.verifyIdToken(outsider))).toBe('403 domain_not_allowed');
    const unverified = await provider.idTokenFor(await provider.authorize({ account: 'unverified' }));
    expect(await outcome(signIn.verifyIdToken(unverified))).toBe('403 email_not_verified');
  });

  it('redeems a code once, only with its verifier and state, and checks the nonce', async () => {
    const flow = await provider.authorize({ account: 'robin' });
    expect(await outcome(signIn.signIn({ ...flow, codeVerifier: 'x'.repeat(43) }))).toBe('401 invalid_grant');
    const fresh = await provider.authorize({ account: 'robin' });
    expect(await outcome(signIn.signIn({ ...fresh, state: 'not-the-state' }))).toBe('401 invalid_response');
    const good = await provider.authorize({ account: 'robin', nonce: 'n-123' });
    expect(await outcome(signIn.signIn({ ...good, nonce: 'n-456' }))).toBe('401 invalid_response');
    const once = await provider.authorize({ account: 'robin', nonce: 'n-789' });
    expect(await signIn.signIn({ ...once, nonce: 'n-789' })).toEqual({ agent: 'robin@example.com', subject: 'robin' });
    expect(await outcome(signIn.signIn({ ...once, nonce: 'n-789' }))).toBe('401 invalid_grant');
  });

  it('says the provider is unavailable, without deciding anything, when it does not answer', async () => {
    const down = new CompanySignIn({ ...config('http://127.0.0.1:9'), timeoutMs: 1000 });
    await expect(down.methods()).rejects.toBeInstanceOf(SignInUnavailable);
  });
});
