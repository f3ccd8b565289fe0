import type { JWTPayload, createRemoteJWKSet } from 'jose';
import type * as OpenIdClient from 'openid-client';
import { AgentEmail, type CompanySignInRequest, type EnrollmentMethods } from '../../../lib/contract';

type Jose = typeof import('jose');
type Oidc = typeof OpenIdClient;

/** Loaded on first use: servers without company sign-in, and every CLI command, never pay for them. */
let libraries: Promise<{ jose: Jose; oidc: Oidc }> | null = null;
const load = () => (libraries ??= Promise.all([import('jose'), import('openid-client')]).then(([jose, oidc]) => ({ jose, oidc })));

/** Company sign-in through OpenID Connect: one provider per server, issuing agents of one tenant. */
export interface CompanySignInConfig {
  issuer: string;
  clientId: string;
  /** Set when the provider registered AITL as a confidential client; unset for a public (PKCE-only) one. */
  clientSecret?: string;
  tenantId: string;
  /** Lower-case domains whose verified emails may sign in; never empty (a provider such as Google serves everybody). */
  emailDomains: string[];
  timeoutMs?: number;
}

export const SIGN_IN_SCOPE = 'openid email';

/** Sign-in failed for a reason the caller can act on: `status` 401 (try again) or 403 (this account may not). */
export class SignInRefused extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly reason: string,
    message: string,
    /** The email the provider vouched for, when the refusal is about it. */
    readonly agent?: string,
  ) {
    super(message);
  }
}

/** The provider did not answer; nothing was decided (HTTP 503). */
export class SignInUnavailable extends Error {}

export interface VerifiedIdentity {
  /** The normalised email: the agent identity. */
  agent: string;
  /** The provider's stable subject id, kept in the audit trail. */
  subject: string;
}

/**
 * The server half of the authorization code flow with PKCE. The extension runs
 * `chrome.identity.launchWebAuthFlow` and hands over the callback URL and its code verifier; the
 * server redeems the code at the provider's token endpoint itself (openid-client: state, `iss`
 * and the token response checked) and then verifies the ID token it received with jose:
 * signature against the issuer's JWKS, issuer, audience, expiry, verified email, allowed domain.
 */
export class CompanySignIn {
  private discovered: Promise<OpenIdClient.Configuration> | null = null;
  private keys: ReturnType<typeof createRemoteJWKSet> | null = null;
  /** The issuer as the provider spells it in its metadata (and so in `iss`), trailing slash or not. */
  private issuer = '';

  constructor(readonly config: CompanySignInConfig) {}

  /** What `GET /v1/enroll` tells the extension. */
  async methods(): Promise<NonNullable<EnrollmentMethods['companySignIn']>> {
    const metadata = (await this.discover()).serverMetadata();
    if (!metadata.authorization_endpoint) throw new SignInUnavailable(`${this.config.issuer} publishes no authorization endpoint`);
    return {
      issuer: this.config.issuer,
      clientId: this.config.clientId,
      authorizationEndpoint: metadata.authorization_endpoint,
      scope: SIGN_IN_SCOPE,
      codeChallengeMethod: 'S256',
      emailDomains: this.config.emailDomains,
    };
  }

  /** Redeems the authorization code and verifies who signed in. */
  async signIn(request: CompanySignInRequest): Promise<VerifiedIdentity> {
    const configuration = await this.discover();
    const { oidc } = await load();
    let idToken: string | undefined;
    try {
      const tokens = await oidc.authorizationCodeGrant(configuration, new URL(request.callbackUrl), {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      idToken = tokens.id_token;
    } catch (error) {
      throw this.grantFailure(oidc, error);
    }
    if (!idToken) throw new SignInRefused(401, 'no_id_token', `${this.config.issuer} returned no ID token; check that the client may use the openid scope`);
    return this.verifyIdToken(idToken);
  }

  /**
   * Verifies an ID token issued by the configured provider for this client. `now` stands in for
   * the clock (tests check expiry with it). Signature first: claims of an unverified token mean nothing.
   */
  async verifyIdToken(idToken: string, now?: Date): Promise<VerifiedIdentity> {
    await this.discover();
    const { jose } = await load();
    let claims: JWTPayload & { email?: unknown; email_verified?: unknown; azp?: unknown };
    try {
      ({ payload: claims } = await jose.jwtVerify(idToken, this.keys!, {
        issuer: this.issuer,
        audience: this.config.clientId,
        requiredClaims: ['sub', 'exp', 'iat'],
        clockTolerance: 30,
        ...(now && { currentDate: now }),
      }));
    } catch (error) {
      throw idTokenFailure(jose, error, this.config.issuer);
    }
    // With several audiences the token must have been issued to us (OIDC Core 3.1.3.7).
    if (Array.isArray(claims.aud) && claims.aud.length > 1 && claims.azp !== this.config.clientId) {
      throw new SignInRefused(401, 'wrong_audience', 'the ID token was issued to another application');
    }
    const email = AgentEmail.safeParse(claims.email);
    if (!email.success) throw new SignInRefused(403, 'no_email', `${this.config.issuer} did not include an email in the ID token; the provider must release the email claim to AITL`);
    if (claims.email_verified !== true) {
      throw new SignInRefused(403, 'email_not_verified', `${email.data} is not a verified address at ${this.config.issuer}; verify it there or ask your AITL admin`, email.data);
    }
    const domain = email.data.slice(email.data.lastIndexOf('@') + 1);
    if (!this.config.emailDomains.includes(domain)) {
      throw new SignInRefused(403, 'domain_not_allowed', `${email.data} is not at a domain allowed to sign in (${this.config.emailDomains.join(', ')}); sign in with your work account`, email.data);
    }
    return { agent: email.data, subject: claims.sub! };
  }

  /** Discovery, once per process; a failure is not remembered, so the next call tries again. */
  private discover(): Promise<OpenIdClient.Configuration> {
    if (this.discovered) return this.discovered;
    this.discovered = (async () => {
      const { jose, oidc } = await load();
      const { issuer, clientId, clientSecret, timeoutMs = 5_000 } = this.config;
      const insecure = new URL(issuer).protocol === 'http:'; // loopback only; config.ts refuses others
      let configuration: OpenIdClient.Configuration;
      try {
        configuration = await oidc.discovery(
          new URL(issuer),
          clientId,
          clientSecret,
          clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
          { timeout: timeoutMs / 1000, ...(insecure && { execute: [oidc.allowInsecureRequests] }) },
        );
      } catch (error) {
        throw new SignInUnavailable(`the sign-in provider ${issuer} did not answer discovery (${(error as Error).message}); try again later, or enrol with the enrollment key`);
      }
      this.issuer = configuration.serverMetadata().issuer;
      const jwksUri = configuration.serverMetadata().jwks_uri;
      if (!jwksUri) throw new SignInUnavailable(`${issuer} publishes no jwks_uri, so its ID tokens cannot be verified`);
      this.keys = jose.createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: timeoutMs });
      return configuration;
    })();
    this.discovered.catch(() => (this.discovered = null));
    return this.discovered;
  }

  private grantFailure(oidc: Oidc, error: unknown): Error {
    if (error instanceof oidc.AuthorizationResponseError) {
      return new SignInRefused(401, 'authorization_failed', `${this.config.issuer} refused the sign-in: ${error.error_description ?? error.error}`);
    }
    if (error instanceof oidc.ResponseBodyError) {
      return new SignInRefused(401, error.error === 'invalid_grant' ? 'invalid_grant' : 'token_request_failed', `${this.config.issuer} did not accept the authorization code (${error.error}); sign in again`);
    }
    if (error instanceof oidc.ClientError && error.code?.startsWith('OAUTH_')) {
      return new SignInRefused(401, 'invalid_response', `the sign-in response failed its checks (${error.message}); sign in again`);
    }
    return new SignInUnavailable(`the sign-in provider ${this.config.issuer} did not answer (${(error as Error).message}); try again later`);
  }
}

function idTokenFailure({ errors: joseErrors }: Jose, error: unknown, issuer: string): Error {
  if (error instanceof joseErrors.JWTExpired) return new SignInRefused(401, 'expired_id_token', 'the ID token has expired; sign in again');
  if (error instanceof joseErrors.JWTClaimValidationFailed) {
    const reason = error.claim === 'aud' ? 'wrong_audience' : error.claim === 'iss' ? 'wrong_issuer' : 'invalid_id_token';
    return new SignInRefused(401, reason, `the ID token failed its ${error.claim} check (${error.reason}); sign in again`);
  }
  if (error instanceof joseErrors.JWKSNoMatchingKey) return new SignInRefused(401, 'unknown_signing_key', `the ID token is signed with a key ${issuer} does not publish`);
  if (error instanceof joseErrors.JWSSignatureVerificationFailed) return new SignInRefused(401, 'bad_signature', 'the ID token signature does not verify');
  if (error instanceof joseErrors.JOSEError && !(error instanceof joseErrors.JWKSTimeout)) {
    return new SignInRefused(401, 'invalid_id_token', `the ID token is not valid (${error.code})`);
  }
  return new SignInUnavailable(`could not fetch the signing keys of ${issuer} (${(error as Error).message}); try again later`);
}
