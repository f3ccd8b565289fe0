import { AgentEmail, type AgentInfo } from '../../../lib/contract';
import type { Database, Sql } from '../db/database';
import { recordAudit, type RequestOrigin } from './audit';
import { AccessError } from './errors';

/** The agent was deactivated by an admin; only re-activation lets them have a token again. */
export class AgentDeactivatedError extends AccessError {}

/** The agent identity for a name: an email is lower-cased (one person, one identity), anything else kept. */
export function agentName(name: string): string {
  const email = AgentEmail.safeParse(name);
  return email.success ? email.data : name.trim();
}

/**
 * Records that `name` is an agent of the tenant (or that it enrolled again) and refuses a
 * deactivated one. Call it in the transaction that creates the agent's token: the row lock it
 * takes orders it against a concurrent deactivation, so no token outlives one.
 */
export async function claimActiveAgent(tx: Sql, tenantId: string, name: string, opts: { enrolled: boolean }): Promise<void> {
  const { rows } = await tx.query<{ deactivated: boolean }>(
    `INSERT INTO agents (tenant_id, name, last_enrolled_at) VALUES ($1, $2, CASE WHEN $3 THEN now() END)
     ON CONFLICT (tenant_id, name) DO UPDATE
       SET last_enrolled_at = CASE WHEN $3 THEN now() ELSE agents.last_enrolled_at END
     RETURNING deactivated_at IS NOT NULL AS deactivated`,
    [tenantId, name, opts.enrolled],
  );
  if (rows[0]!.deactivated) {
    throw new AgentDeactivatedError(`agent ${name} was deactivated by an admin; an admin must re-activate them (aitl agents reactivate) before they get a token again`);
  }
}

const AGENT_COLUMNS = `
  a.name AS agent,
  CASE WHEN a.deactivated_at IS NULL THEN 'active' ELSE 'deactivated' END AS status,
  to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "createdAt",
  to_char(a.last_enrolled_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "lastEnrolledAt",
  (SELECT count(*)::int FROM tokens t WHERE t.tenant_id = a.tenant_id AND t.role = 'agent' AND t.name = a.name AND t.revoked_at IS NULL) AS "activeTokens",
  (SELECT to_char(max(t.last_used_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM tokens t
    WHERE t.tenant_id = a.tenant_id AND t.role = 'agent' AND t.name = a.name) AS "lastUsedAt",
  (SELECT to_char(max(c.last_seen_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM clients c
    WHERE c.tenant_id = a.tenant_id AND c.agent = a.name) AS "lastSyncAt",
  (SELECT count(*)::int FROM clients c WHERE c.tenant_id = a.tenant_id AND c.agent = a.name) AS devices,
  to_char(a.deactivated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "deactivatedAt"`;

export interface AgentRow extends AgentInfo {
  tenantId: string;
}

/** A tenant's agents (every tenant's when none is given), with their devices and last sync. */
export async function listAgents(sql: Sql, tenantId?: string): Promise<AgentRow[]> {
  const { rows } = await sql.query<AgentRow>(
    `SELECT a.tenant_id AS "tenantId", ${AGENT_COLUMNS} FROM agents a
      WHERE $1::text IS NULL OR a.tenant_id = $1
      ORDER BY a.tenant_id, a.name`,
    [tenantId ?? null],
  );
  return rows;
}

async function agentInfo(sql: Sql, tenantId: string, name: string): Promise<AgentInfo> {
  const { rows } = await sql.query<AgentInfo>(`SELECT ${AGENT_COLUMNS} FROM agents a WHERE a.tenant_id = $1 AND a.name = $2`, [tenantId, name]);
  return rows[0]!;
}

export class UnknownAgentError extends AccessError {}

export interface AgentChange {
  tenantId: string;
  agent: string;
  actor: string;
  origin?: RequestOrigin;
}

/**
 * Deactivates an agent: every token they hold stops working at once, and enrolment (by key or
 * company sign-in) is refused until an admin re-activates them. Their annotations stay.
 */
export async function deactivateAgent(db: Database, change: AgentChange): Promise<{ agent: AgentInfo; revokedTokens: number }> {
  const name = agentName(change.agent);
  return db.transaction(async (tx) => {
    const updated = await tx.query(
      `UPDATE agents SET deactivated_at = coalesce(deactivated_at, now()), deactivated_by = coalesce(deactivated_by, $3)
        WHERE tenant_id = $1 AND name = $2 RETURNING name`,
      [change.tenantId, name, change.actor],
    );
    if (updated.rows.length === 0) throw new UnknownAgentError(`no agent ${name} in tenant ${change.tenantId}; see aitl agents list`);
    const revoked = await tx.query(
      `UPDATE tokens SET revoked_at = now() WHERE tenant_id = $1 AND role = 'agent' AND name = $2 AND revoked_at IS NULL RETURNING id`,
      [change.tenantId, name],
    );
    await recordAudit(tx, {
      tenantId: change.tenantId,
      action: 'agent.deactivated',
      actor: change.actor,
      agent: name,
      origin: change.origin,
      detail: { revokedTokens: revoked.rows.length },
    });
    return { agent: await agentInfo(tx, change.tenantId, name), revokedTokens: revoked.rows.length };
  });
}

/**
 * Lets a deactivated agent enrol (or be given a token) again. Their old tokens stay revoked:
 * re-activation restores the right to a token, not the tokens.
 */
export async function reactivateAgent(db: Database, change: AgentChange): Promise<{ agent: AgentInfo; revokedTokens: number }> {
  const name = agentName(change.agent);
  return db.transaction(async (tx) => {
    const { rows } = await tx.query<{ was: boolean }>(
      'SELECT deactivated_at IS NOT NULL AS was FROM agents WHERE tenant_id = $1 AND name = $2 FOR UPDATE',
      [change.tenantId, name],
    );
    if (rows.length === 0) throw new UnknownAgentError(`no agent ${name} in tenant ${change.tenantId}; see aitl agents list`);
    await tx.query('UPDATE agents SET deactivated_at = NULL, deactivated_by = NULL WHERE tenant_id = $1 AND name = $2', [change.tenantId, name]);
    if (rows[0]!.was) await recordAudit(tx, { tenantId: change.tenantId, action: 'agent.reactivated', actor: change.actor, agent: name, origin: change.origin });
    return { agent: await agentInfo(tx, change.tenantId, name), revokedTokens: 0 };
  });
}
