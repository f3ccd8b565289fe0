import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { ROLES, type Role, type TokenInfo, type TokenOrigin } from '../../../lib/contract';
import type { Database, Sql } from '../db/database';
import { agentName, claimActiveAgent } from './agents';
import { recordAudit, type RequestOrigin } from './audit';
import { AccessError } from './errors';

export { ROLES, type Role };

/** Who is calling, as established from their token. Never from the request body. */
export interface Auth {
  tokenId: string;
  tenantId: string;
  role: Role;
  /** The token's name; for agents, the agent identity recorded on annotations. */
  name: string;
}

// Role-prefixed so a leaked token is recognisable (and scannable) for what it is.
const TOKEN_PATTERN = /^aitl_(agent|operator|admin)_[0-9a-f]{64}$/;
export const TENANT_PATTERN = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export class TokenError extends AccessError {}

export function generateToken(role: Role): string {
  return `aitl_${role}_${randomBytes(32).toString('hex')}`;
}

export const looksLikeToken = (token: string) => TOKEN_PATTERN.test(token);

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export interface TokenInput {
  tenantId: string;
  role: Role;
  /** Who or what it is for; for agents, the identity on their annotations (an email is lower-cased). */
  name: string;
  origin?: TokenOrigin;
  enrollmentKeyId?: string;
}

/**
 * Writes a new token in the caller's transaction (tenant created if new). An agent token claims
 * its agent identity, which fails for a deactivated agent (AgentDeactivatedError).
 */
export async function insertToken(tx: Sql, input: TokenInput): Promise<{ id: string; token: string; name: string; tenantCreated: boolean }> {
  if (!TENANT_PATTERN.test(input.tenantId)) {
    throw new TokenError(`invalid tenant "${input.tenantId}": use lowercase letters, digits, - and _ (up to 63, starting with a letter or digit)`);
  }
  if (!ROLES.includes(input.role)) throw new TokenError(`invalid role "${input.role}": use one of ${ROLES.join(', ')}`);
  const name = input.role === 'agent' ? agentName(input.name) : input.name.trim();
  if (!name || name.length > 200) throw new TokenError('a token needs a --name of 1 to 200 characters (who or what it is for)');
  const origin = input.origin ?? 'manual';
  const created = await tx.query('INSERT INTO tenants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [input.tenantId]);
  if (input.role === 'agent') await claimActiveAgent(tx, input.tenantId, name, { enrolled: origin !== 'manual' });
  const token = generateToken(input.role);
  const id = randomUUID();
  await tx.query('INSERT INTO tokens (id, tenant_id, role, name, hash, hint, origin, enrollment_key_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)', [
    id,
    input.tenantId,
    input.role,
    name,
    hashToken(token),
    token.slice(-4),
    origin,
    input.enrollmentKeyId ?? null,
  ]);
  return { id, token, name, tenantCreated: created.rows.length > 0 };
}

/** Creates a token by hand (CLI, admin API, demo seeding) and audits it. */
export async function createToken(
  db: Database,
  input: Omit<TokenInput, 'origin' | 'enrollmentKeyId'> & { actor?: string; origin?: RequestOrigin },
): Promise<{ id: string; token: string; name: string; tenantCreated: boolean }> {
  return db.transaction(async (tx) => {
    const created = await insertToken(tx, { tenantId: input.tenantId, role: input.role, name: input.name });
    await recordAudit(tx, {
      tenantId: input.tenantId,
      action: 'token.created',
      actor: input.actor ?? 'cli',
      tokenId: created.id,
      ...(input.role === 'agent' && { agent: created.name }),
      origin: input.origin,
      detail: { role: input.role, name: created.name },
    });
    return created;
  });
}

export type TokenRow = TokenInfo;

const TOKEN_COLUMNS = `id, tenant_id AS "tenantId", role, name, hint, origin, enrollment_key_id AS "enrollmentKeyId",
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastUsedAt",
  to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revokedAt"`;

export async function listTokens(db: Sql, tenantId?: string): Promise<TokenRow[]> {
  const { rows } = await db.query<TokenRow>(
    `SELECT ${TOKEN_COLUMNS} FROM tokens
      WHERE $1::text IS NULL OR tenant_id = $1
      ORDER BY tenant_id, created_at, id`,
    [tenantId ?? null],
  );
  return rows;
}

export const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

/**
 * Revokes a token by id, at once. Returns the token, or null when no such token exists (in
 * `tenantId`, when given: the admin API never reaches another tenant). Revoking twice is harmless.
 */
export async function revokeToken(
  db: Database,
  id: string,
  opts: { tenantId?: string; actor?: string; origin?: RequestOrigin } = {},
): Promise<TokenRow | null> {
  if (!isUuid(id)) return null;
  return db.transaction(async (tx) => {
    const revoked = await tx.query<{ tenantId: string; name: string; role: Role }>(
      `UPDATE tokens SET revoked_at = now() WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2) AND revoked_at IS NULL
       RETURNING tenant_id AS "tenantId", name, role`,
      [id, opts.tenantId ?? null],
    );
    const row = revoked.rows[0];
    if (row) {
      await recordAudit(tx, {
        tenantId: row.tenantId,
        action: 'token.revoked',
        actor: opts.actor ?? 'cli',
        tokenId: id,
        ...(row.role === 'agent' && { agent: row.name }),
        origin: opts.origin,
      });
    }
    return findToken(tx, id, opts.tenantId);
  });
}

/** One token by id (in `tenantId`, when given), or null. */
export async function findToken(sql: Sql, id: string, tenantId?: string): Promise<TokenRow | null> {
  if (!isUuid(id)) return null;
  const { rows } = await sql.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE id = $1 AND ($2::text IS NULL OR tenant_id = $2)`, [id, tenantId ?? null]);
  return rows[0] ?? null;
}

/** The caller behind a bearer token, or null for an unknown or revoked token. */
export async function authenticate(db: Sql, token: string): Promise<Auth | null> {
  if (!looksLikeToken(token)) return null;
  const { rows } = await db.query<Auth & { stale: boolean }>(
    `SELECT id AS "tokenId", tenant_id AS "tenantId", role, name,
            (last_used_at IS NULL OR last_used_at < now() - interval '1 minute') AS stale
       FROM tokens WHERE hash = $1 AND revoked_at IS NULL`,
    [hashToken(token)],
  );
  const row = rows[0];
  if (!row) return null;
  // last_used_at is for admins auditing tokens; a minute's precision spares a write per request.
  if (row.stale) await db.query('UPDATE tokens SET last_used_at = now() WHERE id = $1', [row.tokenId]);
  return { tokenId: row.tokenId, tenantId: row.tenantId, role: row.role, name: row.name };
}
