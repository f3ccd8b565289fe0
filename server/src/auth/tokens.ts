import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from '../db/database';

export const ROLES = ['agent', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

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

export class TokenError extends Error {}

export function generateToken(role: Role): string {
  return `aitl_${role}_${randomBytes(32).toString('hex')}`;
}

export const looksLikeToken = (token: string) => TOKEN_PATTERN.test(token);

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createToken(
  db: Sql,
  input: { tenantId: string; role: Role; name: string },
): Promise<{ id: string; token: string; tenantCreated: boolean }> {
  if (!TENANT_PATTERN.test(input.tenantId)) {
    throw new TokenError(`invalid tenant "${input.tenantId}": use lowercase letters, digits, - and _ (up to 63, starting with a letter or digit)`);
  }
  if (!ROLES.includes(input.role)) throw new TokenError(`invalid role "${input.role}": use one of ${ROLES.join(', ')}`);
  const name = input.name.trim();
  if (!name || name.length > 200) throw new TokenError('a token needs a --name of 1 to 200 characters (who or what it is for)');
  const created = await db.query('INSERT INTO tenants (id) VALUES ($1) ON CONFLICT (id) DO NOTHING RETURNING id', [input.tenantId]);
  const token = generateToken(input.role);
  const id = randomUUID();
  await db.query('INSERT INTO tokens (id, tenant_id, role, name, hash, hint) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    input.tenantId,
    input.role,
    name,
    hashToken(token),
    token.slice(-4),
  ]);
  return { id, token, tenantCreated: created.rows.length > 0 };
}

export interface TokenRow {
  id: string;
  tenantId: string;
  role: Role;
  name: string;
  hint: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export async function listTokens(db: Sql, tenantId?: string): Promise<TokenRow[]> {
  const { rows } = await db.query<TokenRow>(
    `SELECT id, tenant_id AS "tenantId", role, name, hint,
            to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
            to_char(last_used_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastUsedAt",
            to_char(revoked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "revokedAt"
       FROM tokens
      WHERE $1::text IS NULL OR tenant_id = $1
      ORDER BY tenant_id, created_at, id`,
    [tenantId ?? null],
  );
  return rows;
}

/** Revokes a token by id. Returns false when no such token exists; revoking twice is harmless. */
export async function revokeToken(db: Sql, id: string): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)) return false;
  const { rows } = await db.query('UPDATE tokens SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING id', [id]);
  return rows.length > 0;
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
