import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';
import * as oidc from 'openid-client';

/** Where launchWebAuthFlow's response lands for the pinned extension id. */
export const EXTENSION_REDIRECT = 'https://aidellcenmenbfdaogiajhhlfppkapll.chromiumapp.org/';
export const CLIENT_ID = 'aitl-extension';
export const OTHER_CLIENT_ID = 'other-app';
export const CONFIDENTIAL_CLIENT_ID = 'aitl-backend';
export const CONFIDENTIAL_SECRET = 'backend-secret-for-tests-only';

export interface Account {
  email: string;
  emailVerified: boolean;
}

export interface TestProvider {
  issuer: string;
  /** Runs the authorization code flow with PKCE as the extension would, signed in as `account`. */
  authorize(opts: { account: string; clientId?: string; nonce?: string }): Promise<{ callbackUrl: string; codeVerifier: string; state: string }>;
  /** Redeems a callback URL the way any client of the provider could, for its raw ID token. */
  idTokenFor(flow: { callbackUrl: string; codeVerifier: string; state: string }, clientId?: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * A real OpenID provider (the `oidc-provider` package) on a loopback port, with our extension as
 * a public PKCE client, another app, and a confidential client. Interactions (the provider's
 * login and consent pages) are answered for the account named in `login_hint` (else `signsIn`), as a user would.
 */
export async function startOidcProvider(accounts: Record<string, Account>, opts: { signsIn?: string } = {}): Promise<TestProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: `test-${Math.random().toString(36).slice(2, 10)}`, alg: 'RS256', use: 'sig' };
  const client = (client_id: string, extra: Partial<ClientMetadata> = { token_endpoint_auth_method: 'none' }): ClientMetadata => ({
    client_id,
    redirect_uris: [EXTENSION_REDIRECT],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    ...extra,
  });

  const provider = new Provider(issuer, {
    clients: [
      client(CLIENT_ID),
      client(OTHER_CLIENT_ID),
      client(CONFIDENTIAL_CLIENT_ID, { client_secret: CONFIDENTIAL_SECRET, token_endpoint_auth_method: 'client_secret_basic' }),
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ['oidc-provider-test-cookie-key'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    // Put email in the ID token, as Google, Okta and Entra do for the email scope.
    conformIdTokenClaims: false,
    pkce: { methods: ['S256'], required: () => true },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 3600, IdToken: 3600 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: KoaContextWithOIDC, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, sub) {
      const account = accounts[sub];
      if (!account) return undefined;
      return { accountId: sub, claims: async () => ({ sub, email: account.email, email_verified: account.emailVerified }) };
    },
  });
  const callback = provider.callback();

  server.on('request', async (req, res) => {
    if (!req.url?.startsWith('/interaction/')) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'login') {
        // `signsIn`: the account a user in a real browser window types in (the extension's own browser test).
        const accountId = String(details.params.login_hint ?? opts.signsIn);
        return await provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
      }
      const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: String(details.params.client_id) });
      grant.addOIDCScope(String(details.params.scope));
      await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    } catch (error) {
      res.statusCode = 500;
      res.end(String(error));
    }
  });

  async function authorize({ account, clientId = CLIENT_ID, nonce }: { account: string; clientId?: string; nonce?: string }) {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = new URL(`${issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: 'code',
      scope: 'openid email',
      redirect_uri: EXTENSION_REDIRECT,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
      state,
      login_hint: account,
      ...(nonce && { nonce }),
    }).toString();
    // Follow the provider's redirects with a cookie jar, as the browser window would, until it
    // sends the browser to the extension's redirect URL.
    const cookies = new Map<string, string>();
    let next = url;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(next, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const eq = pair!.indexOf('=');
        cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
      }
      const location = res.headers.get('location');
      if (!location) throw new Error(`the provider stopped at ${next} with ${res.status}: ${await res.text()}`);
      if (location.startsWith(EXTENSION_REDIRECT)) return { callbackUrl: location, codeVerifier, state };
      next = new URL(location, next);
    }
    throw new Error('the provider redirected more than 10 times');
  }

  async function idTokenFor(flow: { callbackUrl: string; codeVerifier: string; state: string }, clientId = CLIENT_ID) {
    const config = await oidc.discovery(new URL(issuer), clientId, undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const tokens = await oidc.authorizationCodeGrant(config, new URL(flow.callbackUrl), { pkceCodeVerifier: flow.codeVerifier, expectedState: flow.state });
    return tokens.id_token!;
  }

  return {
    issuer,
    authorize,
    idTokenFor,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
