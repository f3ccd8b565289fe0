import type { EnrollResponse, EnrollmentKeyInfo, EnrollmentPlatform } from '../../../lib/contract';
import { AgentDeactivatedError } from '../auth/agents';
import { recordAudit, type AuditRecord, type RequestOrigin } from '../auth/audit';
import { insertToken } from '../auth/tokens';
import type { Database } from '../db/database';
import { findEnrollmentKey } from './keys';

/** Why an enrolment or sign-in was refused: the HTTP status, the audited reason, and what the caller is told. */
export class EnrollmentRefused extends Error {
  constructor(
    readonly status: 401 | 403,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface AgentGrant {
  tenantId: string;
  /** The normalised email: the agent identity. */
  agent: string;
  origin: 'enrollment' | 'oidc';
  enrollmentKeyId?: string;
  actor: string;
  detail: Record<string, unknown>;
}

const GRANTED = { enrollment: 'enrollment.granted', oidc: 'sign_in.granted' } as const;
const REFUSED = { enrollment: 'enrollment.refused', oidc: 'sign_in.refused' } as const;

/** Audits a refusal and returns the error to throw. */
export async function refuse(db: Database, status: 401 | 403, reason: string, message: string, event: Omit<AuditRecord, 'action' | 'reason'> & { via: 'enrollment' | 'oidc' }) {
  const { via, ...rest } = event;
  await recordAudit(db, { ...rest, action: REFUSED[via], reason });
  return new EnrollmentRefused(status, reason, message);
}

/**
 * Issues a new agent token for an identity: one more device for an agent who enrolled before,
 * or the first. Other devices' tokens are untouched. The same statements run either way, so
 * neither the answer nor its timing tells whether the email was known.
 */
export async function grantAgentToken(db: Database, grant: AgentGrant, origin: RequestOrigin): Promise<EnrollResponse> {
  try {
    return await db.transaction(async (tx) => {
      const created = await insertToken(tx, {
        tenantId: grant.tenantId,
        role: 'agent',
        name: grant.agent,
        origin: grant.origin,
        enrollmentKeyId: grant.enrollmentKeyId,
      });
      if (grant.enrollmentKeyId) await tx.query('UPDATE enrollment_keys SET last_used_at = now() WHERE id = $1', [grant.enrollmentKeyId]);
      await recordAudit(tx, {
        tenantId: grant.tenantId,
        action: GRANTED[grant.origin],
        actor: grant.actor,
        agent: created.name,
        enrollmentKeyId: grant.enrollmentKeyId,
        tokenId: created.id,
        origin,
        detail: grant.detail,
      });
      return { token: created.token, tenant: grant.tenantId, agent: created.name };
    });
  } catch (error) {
    if (!(error instanceof AgentDeactivatedError)) throw error;
    throw await refuse(db, 403, 'agent_deactivated', `${grant.agent} was deactivated by an AITL admin; ask them to re-activate you`, {
      via: grant.origin,
      tenantId: grant.tenantId,
      actor: grant.actor,
      agent: grant.agent,
      enrollmentKeyId: grant.enrollmentKeyId,
      origin,
      detail: grant.detail,
    });
  }
}

const KEY_REFUSED = 'this enrollment key is unknown, revoked or expired; ask your AITL admin for the current one';

/**
 * The usable key behind a secret, or an audited 401. Unknown, revoked and expired keys get one
 * answer; the audit trail tells an admin which it was.
 */
export async function usableEnrollmentKey(db: Database, secret: string, attempt: { agent: string; platform: EnrollmentPlatform }, origin: RequestOrigin): Promise<EnrollmentKeyInfo> {
  const key = await findEnrollmentKey(db, secret);
  if (key?.status === 'active') return key;
  const reason = key ? `${key.status}_key` : 'unknown_key';
  throw await refuse(db, 401, reason, KEY_REFUSED, {
    via: 'enrollment',
    tenantId: key?.tenantId ?? null,
    actor: key ? `enrollment key ${key.id}` : 'anonymous',
    agent: attempt.agent,
    enrollmentKeyId: key?.id,
    origin,
    detail: { platform: attempt.platform },
  });
}

const domainOf = (email: string) => email.slice(email.lastIndexOf('@') + 1);

/** Enrols `email` with a usable key: its domains admit it, and the agent is not deactivated. */
export async function enrollWithKey(db: Database, key: EnrollmentKeyInfo, attempt: { agent: string; platform: EnrollmentPlatform }, origin: RequestOrigin): Promise<EnrollResponse> {
  const actor = `enrollment key ${key.id}`;
  const detail = { platform: attempt.platform };
  if (key.emailDomains.length > 0 && !key.emailDomains.includes(domainOf(attempt.agent))) {
    throw await refuse(
      db,
      403,
      'domain_not_allowed',
      `${attempt.agent} is not at a domain this enrollment key admits (${key.emailDomains.join(', ')}); sign in to the helpdesk with your work address, or ask your AITL admin`,
      { via: 'enrollment', tenantId: key.tenantId, actor, agent: attempt.agent, enrollmentKeyId: key.id, origin, detail },
    );
  }
  return grantAgentToken(db, { tenantId: key.tenantId, agent: attempt.agent, origin: 'enrollment', enrollmentKeyId: key.id, actor, detail }, origin);
}
