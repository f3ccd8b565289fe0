import { z } from 'zod';
import { PLATFORMS } from './values';

/**
 * How an agent's extension obtains its personal agent token without anybody handing one out:
 * with the enrollment key from the Chrome policy (`POST /v1/enroll`), or by company sign-in
 * through OpenID Connect (`POST /v1/enroll/oidc`). `GET /v1/enroll` says which the server offers.
 */

export const ENROLLMENT_KEY_PATTERN = /^aitl_enroll_[0-9a-f]{64}$/;
export const AGENT_TOKEN_PATTERN = /^aitl_agent_[0-9a-f]{64}$/;

/** The helpdesks an agent may enrol from: the annotation platforms; one enrollment key serves all of them. */
export const EnrollmentPlatform = z.enum(PLATFORMS);
export type EnrollmentPlatform = z.infer<typeof EnrollmentPlatform>;

/**
 * An agent's email as their identity: trimmed and lower-cased, so `Jane@Example.com` and
 * `jane@example.com` are one agent (helpdesks do not agree on the case they report).
 */
export const AgentEmail = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email('must be an email address').max(200, 'must be at most 200 characters'))
  .meta({ description: 'An email address; trimmed and lower-cased before use.' });

/** `POST /v1/enroll`, sent without a bearer token. */
export const EnrollRequest = z.strictObject({
  enrollmentKey: z.string().regex(ENROLLMENT_KEY_PATTERN, 'must be an enrollment key (aitl_enroll_ and 64 hex digits)'),
  /** The signed-in agent's email as the helpdesk reports it. */
  email: AgentEmail,
  platform: EnrollmentPlatform,
});
export type EnrollRequest = z.input<typeof EnrollRequest>;

/**
 * What both enrolment calls answer: a new agent token for this device (other devices keep theirs),
 * its tenant, and the agent identity its annotations will carry. The same shape whether the
 * agent enrolled before or not.
 */
export const EnrollResponse = z.strictObject({
  token: z.string().regex(AGENT_TOKEN_PATTERN),
  tenant: z.string(),
  agent: z.string(),
});
export type EnrollResponse = z.infer<typeof EnrollResponse>;

/** `chrome.identity.getRedirectURL()`: the only place an authorization response may land. */
export const EXTENSION_REDIRECT_PATTERN = /^https:\/\/[a-p]{32}\.chromiumapp\.org\//;

/**
 * `POST /v1/enroll/oidc`, sent without a bearer token after `chrome.identity.launchWebAuthFlow`
 * (authorization code with PKCE S256) has returned. The server exchanges the code at the
 * provider's token endpoint itself and verifies the ID token it receives; the extension never
 * handles an ID token.
 */
export const CompanySignInRequest = z.strictObject({
  /** The URL launchWebAuthFlow resolved with, as it is (`code`, `state`, `iss` in its query). */
  callbackUrl: z.url().max(8192).regex(EXTENSION_REDIRECT_PATTERN, 'must be the extension redirect URL (https://<extension id>.chromiumapp.org/…)'),
  /** The PKCE code verifier whose S256 challenge went into the authorization request (RFC 7636). */
  codeVerifier: z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, 'must be a PKCE code verifier (43 to 128 of A-Z a-z 0-9 . _ ~ -)'),
  /** The `state` the extension put into the authorization request. */
  state: z.string().min(1).max(512),
  /** The `nonce` of the authorization request, if the extension sent one. */
  nonce: z.string().min(1).max(512).optional(),
});
export type CompanySignInRequest = z.input<typeof CompanySignInRequest>;

/** `GET /v1/enroll`: which ways to enrol this server offers, so a policy need only name the backend. */
export const EnrollmentMethods = z.strictObject({
  /** `POST /v1/enroll` with an enrollment key; always offered. */
  enrollmentKey: z.literal(true),
  /** Company sign-in, when the server is configured for it; else null. */
  companySignIn: z
    .strictObject({
      issuer: z.url(),
      clientId: z.string(),
      /** From the provider's discovery document, so the extension needs no request of its own to it. */
      authorizationEndpoint: z.url(),
      /** The `scope` to request. */
      scope: z.string(),
      codeChallengeMethod: z.literal('S256'),
      /** Email domains whose accounts may sign in. */
      emailDomains: z.array(z.string()),
    })
    .nullable(),
});
export type EnrollmentMethods = z.infer<typeof EnrollmentMethods>;
