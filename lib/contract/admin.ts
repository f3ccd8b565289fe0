import { z } from 'zod';
import { IsoDateTime, Uuid, nonBlankText } from './common';
import { AgentEmail } from './enrollment';
import { ROLES } from './values';

/**
 * `/v1/admin/...`: what an admin token may see and change in its own tenant (tokens, enrollment
 * keys, agents, the audit trail). The CLI prints the same records.
 */

export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Made by hand (CLI or admin API), by an enrollment key, or by company sign-in. */
export const TokenOrigin = z.enum(['manual', 'enrollment', 'oidc']);
export type TokenOrigin = z.infer<typeof TokenOrigin>;

const Timestamp = IsoDateTime.nullable();

/** A token as listed: never the token itself. */
export const TokenInfo = z.strictObject({
  id: Uuid,
  tenantId: z.string(),
  role: Role,
  name: z.string(),
  /** The token's last four characters, to tell tokens apart. */
  hint: z.string(),
  origin: TokenOrigin,
  enrollmentKeyId: Uuid.nullable(),
  createdAt: IsoDateTime,
  lastUsedAt: Timestamp,
  revokedAt: Timestamp,
});
export type TokenInfo = z.infer<typeof TokenInfo>;

export const TokenList = z.strictObject({ tokens: z.array(TokenInfo) });
export type TokenList = z.infer<typeof TokenList>;

/** `POST /v1/admin/tokens`. For agents, `name` is the identity on their annotations. */
export const TokenCreateRequest = z.strictObject({ role: Role, name: nonBlankText(200) });
export type TokenCreateRequest = z.infer<typeof TokenCreateRequest>;

/** The created token, shown this once. */
export const TokenCreated = z.strictObject({ token: z.string(), info: TokenInfo });
export type TokenCreated = z.infer<typeof TokenCreated>;

/** How long a key stays usable: a number of hours, days or weeks (`12h`, `30d`, `8w`). */
export const ExpiresIn = z.string().regex(/^[1-9][0-9]{0,3}[hdw]$/, 'must be a duration such as 12h, 30d or 8w');

/** An email domain as keys hold it: lower case, no `@`. */
export const EmailDomain = z
  .string()
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, ''))
  .pipe(z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/, 'must be a domain such as example.com'));

export const EnrollmentKeyStatus = z.enum(['active', 'expired', 'revoked']);

/** An enrollment key as listed: never the key itself. */
export const EnrollmentKeyInfo = z.strictObject({
  id: Uuid,
  tenantId: z.string(),
  name: z.string(),
  hint: z.string(),
  /** Empty: any email address may enrol. */
  emailDomains: z.array(z.string()),
  status: EnrollmentKeyStatus,
  createdAt: IsoDateTime,
  createdBy: z.string(),
  expiresAt: Timestamp,
  revokedAt: Timestamp,
  lastUsedAt: Timestamp,
  /** Tokens this key has issued. */
  enrolments: z.number().int(),
});
export type EnrollmentKeyInfo = z.infer<typeof EnrollmentKeyInfo>;

export const EnrollmentKeyList = z.strictObject({ enrollmentKeys: z.array(EnrollmentKeyInfo) });
export type EnrollmentKeyList = z.infer<typeof EnrollmentKeyList>;

/** `POST /v1/admin/enrollment-keys`; the same options as `aitl enrollment create`. */
export const EnrollmentKeyCreateRequest = z.strictObject({
  name: nonBlankText(200).optional(),
  emailDomains: z.array(EmailDomain).max(100).default([]),
  /** Unset: the key never expires (tokens it issued live on after it expires either way). */
  expiresIn: ExpiresIn.optional(),
});
export type EnrollmentKeyCreateRequest = z.input<typeof EnrollmentKeyCreateRequest>;

/** The created key, shown this once. */
export const EnrollmentKeyCreated = z.strictObject({ enrollmentKey: z.string(), info: EnrollmentKeyInfo });
export type EnrollmentKeyCreated = z.infer<typeof EnrollmentKeyCreated>;

/** An agent: one identity, however many devices (tokens) it has. */
export const AgentInfo = z.strictObject({
  agent: z.string(),
  status: z.enum(['active', 'deactivated']),
  createdAt: IsoDateTime,
  lastEnrolledAt: Timestamp,
  /** Tokens not revoked (one per enrolled device, plus any made by hand). */
  activeTokens: z.number().int(),
  /** The last request with any of the agent's tokens (minute precision). */
  lastUsedAt: Timestamp,
  /** The last `POST /v1/sync` from any of the agent's extension installs. */
  lastSyncAt: Timestamp,
  /** Extension installs that have synced as this agent. */
  devices: z.number().int(),
  deactivatedAt: Timestamp,
});
export type AgentInfo = z.infer<typeof AgentInfo>;

export const AgentList = z.strictObject({ agents: z.array(AgentInfo) });
export type AgentList = z.infer<typeof AgentList>;

/**
 * `POST /v1/admin/agents/deactivate` and `.../reactivate`. The agent travels in the body, not the
 * URL, so emails stay out of access logs. An email is matched case-insensitively.
 */
export const AgentActionRequest = z.strictObject({ agent: z.union([AgentEmail, nonBlankText(200)]) });
export type AgentActionRequest = z.input<typeof AgentActionRequest>;

export const AgentActionResult = z.strictObject({ agent: AgentInfo, revokedTokens: z.number().int() });
export type AgentActionResult = z.infer<typeof AgentActionResult>;

export const AUDIT_ACTIONS = [
  'enrollment.granted',
  'enrollment.refused',
  'enrollment.throttled',
  'sign_in.granted',
  'sign_in.refused',
  'token.created',
  'token.revoked',
  'enrollment_key.created',
  'enrollment_key.revoked',
  'agent.deactivated',
  'agent.reactivated',
] as const;
export const AuditAction = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditAction>;

/** One access event. Secrets never appear in it. */
export const AuditEvent = z.strictObject({
  id: z.number().int(),
  at: IsoDateTime,
  tenantId: z.string().nullable(),
  action: AuditAction,
  actor: z.string(),
  /** Why a refusal happened (`unknown_key`, `expired_key`, `domain_not_allowed`, ...). */
  reason: z.string().nullable(),
  agent: z.string().nullable(),
  enrollmentKeyId: Uuid.nullable(),
  tokenId: Uuid.nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

/** `GET /v1/admin/audit?limit&before`: newest first; `before` pages back with `nextBefore`. */
export const AuditQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  before: z.coerce.number().int().min(1).optional(),
});
export const AuditList = z.strictObject({ events: z.array(AuditEvent), nextBefore: z.number().int().nullable() });
export type AuditList = z.infer<typeof AuditList>;
