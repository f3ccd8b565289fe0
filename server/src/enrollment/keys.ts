import { randomBytes, randomUUID } from 'node:crypto';
import { ENROLLMENT_KEY_PATTERN, EnrollmentKeyCreateRequest, describeIssues, type EnrollmentKeyInfo } from '../../../lib/contract';
import { recordAudit, type RequestOrigin } from '../auth/audit';
import { AccessError } from '../auth/errors';
import { TENANT_PATTERN, hashToken, isUuid } from '../auth/tokens';
import type { Database, Sql } from '../db/database';

export class EnrollmentKeyError extends AccessError {}

export function generateEnrollmentKey(): string {
  return `aitl_enroll_${randomBytes(32).toString('hex')}`;
}

const UNITS = { h: 'hours', d: 'days', w: 'weeks' } as const;

/** `30d` → `30 days`, a Postgres interval, so expiry is computed on the database's clock. */
function interval(expiresIn: string): string {
  return `${expiresIn.slice(0, -1)} ${UNITS[expiresIn.at(-1) as keyof typeof UNITS]}`;
}

const KEY_COLUMNS = `k.id, k.tenant_id AS "tenantId", k.name, k.hint, k.email_domains AS "emailDomains",
  CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked' WHEN k.expires_at <= now() THEN 'expired' ELSE 'active' END AS status,
  to_char(k.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  k.created_by AS "createdBy",
  to_char(k.expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "expiresAt",
  to_char(k.revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revokedAt",
  to_char(k.last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastUsedAt",
  (SELECT count(*)::int FROM tokens t WHERE t.enrollment_key_id = k.id) AS enrolments`;

export interface CreateKeyInput {
  tenantId: string;
  /** As `POST /v1/admin/enrollment-keys` takes them; the CLI passes its flags the same way. */
  request: unknown;
  actor: string;
  origin?: RequestOrigin;
}

/** Creates an enrollment key (and the tenant, if new). The key is returned this once; only its hash is kept. */
export async function createEnrollmentKey(db: Database, input: CreateKeyInput): Promise<{ enrollmentKey: string; info: EnrollmentKeyInfo; tenantCreated: boolean }> {
  if (!TENANT_PATTERN.test(input.tenantId)) {
    throw new EnrollmentKeyError(`invalid tenant "${input.tenantId}": use lowercase letters, digits, - and _ (up to 63, starting with a letter or digit)`);
  }
  const parsed = EnrollmentKeyCreateRequest.safeParse(input.request);
  if (!parsed.success) throw new EnrollmentKeyError(`invalid enrollment key options: ${describeIssues(parsed.error)}`);
  const { emailDomains, expiresIn } = parsed.data;
  const domains = [...new Set(emailDomains)].sort();
  const name = parsed.data.name?.trim() ?? (domains.length > 0 ? `agents at ${domains.join(', ')}` : 'agents at any address');
  const enrollmentKey = generateEnrollmentKey();
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const created = await tx.query('INSERT INTO tenants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [input.tenantId]);
    await tx.query(
      `INSERT INTO enrollment_keys (id, tenant_id, name, hash, hint, email_domains, created_by, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, now() + $8::interval)`,
      [id, input.tenantId, name, hashToken(enrollmentKey), enrollmentKey.slice(-4), domains, input.actor, expiresIn ? interval(expiresIn) : null],
    );
    await recordAudit(tx, {
      tenantId: input.tenantId,
      action: 'enrollment_key.created',
      actor: input.actor,
      enrollmentKeyId: id,
      origin: input.origin,
      detail: { name, emailDomains: domains, expiresIn: expiresIn ?? null },
    });
    const info = (await keyRows(tx, 'k.id = $1', [id]))[0]!;
    return { enrollmentKey, info, tenantCreated: created.rows.length > 0 };
  });
}

async function keyRows(sql: Sql, where: string, params: unknown[]): Promise<EnrollmentKeyInfo[]> {
  const { rows } = await sql.query<EnrollmentKeyInfo>(`SELECT ${KEY_COLUMNS} FROM enrollment_keys k WHERE ${where} ORDER BY k.tenant_id, k.created_at, k.id`, params);
  return rows;
}

/** A tenant's enrollment keys (every tenant's when none is given); never the keys themselves. */
export function listEnrollmentKeys(sql: Sql, tenantId?: string): Promise<EnrollmentKeyInfo[]> {
  return keyRows(sql, '$1::text IS NULL OR k.tenant_id = $1', [tenantId ?? null]);
}

/**
 * Revokes a key at once: it enrols nobody from now on. Tokens it already issued keep working
 * (revoke those, or deactivate their agents, to cut access). Null when no such key exists in
 * `tenantId` (when given).
 */
export async function revokeEnrollmentKey(
  db: Database,
  id: string,
  opts: { tenantId?: string; actor: string; origin?: RequestOrigin },
): Promise<EnrollmentKeyInfo | null> {
  if (!isUuid(id)) return null;
  return db.transaction(async (tx) => {
    const revoked = await tx.query<{ tenantId: string }>(
      `UPDATE enrollment_keys SET revoked_at = now() WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2) AND revoked_at IS NULL
       RETURNING tenant_id AS "tenantId"`,
      [id, opts.tenantId ?? null],
    );
    if (revoked.rows[0]) {
      await recordAudit(tx, { tenantId: revoked.rows[0].tenantId, action: 'enrollment_key.revoked', actor: opts.actor, enrollmentKeyId: id, origin: opts.origin });
    }
    return (await keyRows(tx, 'k.id = $1 AND ($2::text IS NULL OR k.tenant_id = $2)', [id, opts.tenantId ?? null]))[0] ?? null;
  });
}

/** The key behind a secret, if it exists at all (whatever its status). */
export async function findEnrollmentKey(sql: Sql, secret: string): Promise<EnrollmentKeyInfo | null> {
  if (!ENROLLMENT_KEY_PATTERN.test(secret)) return null;
  return (await keyRows(sql, 'k.hash = $1', [hashToken(secret)]))[0] ?? null;
}
