import type { AuditAction, AuditEvent } from '../../../lib/contract';
import type { Sql } from '../db/database';

/** Where a request came from, as recorded with access events. */
export interface RequestOrigin {
  ip: string | null;
  userAgent: string | null;
}

/** The client address (behind a trusted proxy, the forwarded one) and user agent of a request. */
export function requestOrigin(request: { ip: string; headers: Record<string, string | string[] | undefined> }): RequestOrigin {
  const ua = request.headers['user-agent'];
  return { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null };
}

export interface AuditRecord {
  tenantId: string | null;
  action: AuditAction;
  /** `cli`, `admin token <id> (<name>)`, `enrollment key <id>`, `oidc <issuer>`, `anonymous`. */
  actor: string;
  reason?: string;
  agent?: string;
  enrollmentKeyId?: string;
  tokenId?: string;
  origin?: RequestOrigin;
  /** Anything else worth keeping (platform, role, provider subject). Never a secret. */
  detail?: Record<string, unknown>;
}

/** Appends one access event. Runs in the caller's transaction when given one. */
export async function recordAudit(sql: Sql, e: AuditRecord): Promise<void> {
  await sql.query(
    `INSERT INTO audit_events (tenant_id, action, actor, reason, agent, enrollment_key_id, token_id, ip, user_agent, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      e.tenantId,
      e.action,
      e.actor,
      e.reason ?? null,
      e.agent ?? null,
      e.enrollmentKeyId ?? null,
      e.tokenId ?? null,
      e.origin?.ip ?? null,
      // User agents are attacker-chosen text; keep enough to tell browsers apart.
      e.origin?.userAgent?.slice(0, 500) ?? null,
      e.detail ? JSON.stringify(e.detail) : null,
    ],
  );
}

/**
 * Access events, newest first. `tenantId` undefined lists every tenant and the attempts that
 * matched none (the CLI, for whoever runs the server); the admin API always passes one.
 */
export async function listAudit(sql: Sql, opts: { tenantId?: string; limit: number; before?: number }): Promise<{ events: AuditEvent[]; nextBefore: number | null }> {
  const { rows } = await sql.query<AuditEvent & { id: string | number }>(
    `SELECT id, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, tenant_id AS "tenantId", action, actor, reason,
            agent, enrollment_key_id AS "enrollmentKeyId", token_id AS "tokenId", ip, user_agent AS "userAgent"
       FROM audit_events
      WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::bigint IS NULL OR id < $2)
      ORDER BY id DESC
      LIMIT $3`,
    [opts.tenantId ?? null, opts.before ?? null, opts.limit + 1],
  );
  const events = rows.slice(0, opts.limit).map((r) => ({ ...r, id: Number(r.id) }));
  return { events, nextBefore: rows.length > opts.limit ? events.at(-1)!.id : null };
}
