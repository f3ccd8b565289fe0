import { deactivateAgent, listAgents, reactivateAgent } from '../auth/agents';
import { listAudit } from '../auth/audit';
import { AccessError } from '../auth/errors';
import { ROLES, createToken, listTokens, revokeToken, type Role } from '../auth/tokens';
import type { Database } from '../db/database';
import { createEnrollmentKey, listEnrollmentKeys, revokeEnrollmentKey } from '../enrollment/keys';
import { table } from './table';

/** What these operations need; they run in the CLI process or inside `aitl serve` (admin socket). */
interface AccessContext {
  db: Database;
}

const json = (value: unknown) => JSON.stringify(value, null, 2) + '\n';
const CLI = 'cli';

/**
 * The CLI's door to access management: tokens, enrollment keys, agents, the audit trail. The
 * admin API (`/v1/admin/...`) is the other door to the same functions; the CLI is not tenant-bound
 * (whoever runs it runs the server).
 */
export const accessOperations = {
  async 'tokens.create'({ db }: AccessContext, args: { role: string; name: string; tenant: string }): Promise<string> {
    if (!ROLES.includes(args.role as Role)) throw new AccessError(`--role must be one of ${ROLES.join(', ')}`);
    const created = await createToken(db, { tenantId: args.tenant, role: args.role as Role, name: args.name, actor: CLI });
    const lines = [
      ...(created.tenantCreated ? [`created tenant ${args.tenant}`] : []),
      `created ${args.role} token ${created.id} for "${created.name}" in tenant ${args.tenant}`,
      'it is shown only this once; store it now:',
      created.token,
    ];
    return lines.join('\n') + '\n';
  },

  async 'tokens.list'({ db }: AccessContext, args: { tenant?: string; json?: boolean }): Promise<string> {
    const tokens = await listTokens(db, args.tenant);
    if (args.json) return json(tokens);
    if (tokens.length === 0) return 'no tokens; create one with: aitl tokens create --role agent --name NAME\n';
    const header = ['ID', 'TENANT', 'ROLE', 'NAME', 'ENDS WITH', 'ORIGIN', 'CREATED', 'LAST USED', 'STATUS'];
    const rows = tokens.map((t) => [t.id, t.tenantId, t.role, t.name, `…${t.hint}`, t.origin, t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ? `revoked ${t.revokedAt}` : 'active']);
    return table(header, rows);
  },

  async 'tokens.revoke'({ db }: AccessContext, args: { id: string }): Promise<string> {
    if (!(await revokeToken(db, args.id, { actor: CLI }))) throw new AccessError(`no token with id ${args.id}; see aitl tokens list`);
    return `revoked token ${args.id}\n`;
  },

  async 'enrollment.create'({ db }: AccessContext, args: { tenant: string; emailDomain?: string[]; expires?: string; name?: string }): Promise<string> {
    const emailDomains = (args.emailDomain ?? []).flatMap((d) => d.split(',')).filter((d) => d.trim() !== '');
    const created = await createEnrollmentKey(db, {
      tenantId: args.tenant,
      request: { emailDomains, ...(args.expires !== undefined && { expiresIn: args.expires }), ...(args.name !== undefined && { name: args.name }) },
      actor: CLI,
    });
    const { info } = created;
    const lines = [
      ...(created.tenantCreated ? [`created tenant ${args.tenant}`] : []),
      `created enrollment key ${info.id} ("${info.name}") in tenant ${args.tenant}`,
      info.emailDomains.length > 0
        ? `  enrols agents whose helpdesk email is at ${info.emailDomains.join(', ')}`
        : '  warning: no --email-domain, so it enrols ANY email address; anyone holding it can get an agent token',
      `  ${info.expiresAt ? `expires ${info.expiresAt}` : 'never expires'}; revoke it with: aitl enrollment revoke ${info.id}`,
      'put it in the policy as enrollmentKey; it is shown only this once:',
      created.enrollmentKey,
    ];
    return lines.join('\n') + '\n';
  },

  async 'enrollment.list'({ db }: AccessContext, args: { tenant?: string; json?: boolean }): Promise<string> {
    const keys = await listEnrollmentKeys(db, args.tenant);
    if (args.json) return json(keys);
    if (keys.length === 0) return 'no enrollment keys; create one with: aitl enrollment create --tenant T --email-domain example.com\n';
    const header = ['ID', 'TENANT', 'NAME', 'ENDS WITH', 'DOMAINS', 'ENROLMENTS', 'LAST USED', 'EXPIRES', 'STATUS'];
    const rows = keys.map((k) => [
      k.id,
      k.tenantId,
      k.name,
      `…${k.hint}`,
      k.emailDomains.join(',') || 'any',
      String(k.enrolments),
      k.lastUsedAt ?? '-',
      k.expiresAt ?? 'never',
      k.status === 'revoked' ? `revoked ${k.revokedAt}` : k.status,
    ]);
    return table(header, rows);
  },

  async 'enrollment.revoke'({ db }: AccessContext, args: { id: string }): Promise<string> {
    const key = await revokeEnrollmentKey(db, args.id, { actor: CLI });
    if (!key) throw new AccessError(`no enrollment key with id ${args.id}; see aitl enrollment list`);
    return `revoked enrollment key ${args.id}: it enrols nobody from now on (the ${key.enrolments} token(s) it issued keep working; deactivate agents to cut them off)\n`;
  },

  async 'agents.list'({ db }: AccessContext, args: { tenant?: string; json?: boolean }): Promise<string> {
    const agents = await listAgents(db, args.tenant);
    if (args.json) return json(agents);
    if (agents.length === 0) return 'no agents yet; they appear when they enrol or get a token\n';
    const header = ['TENANT', 'AGENT', 'STATUS', 'TOKENS', 'DEVICES', 'LAST SYNC', 'LAST USED', 'LAST ENROLLED'];
    const rows = agents.map((a) => [a.tenantId, a.agent, a.status, String(a.activeTokens), String(a.devices), a.lastSyncAt ?? '-', a.lastUsedAt ?? '-', a.lastEnrolledAt ?? '-']);
    return table(header, rows);
  },

  async 'agents.deactivate'({ db }: AccessContext, args: { agent: string; tenant: string }): Promise<string> {
    const { agent, revokedTokens } = await deactivateAgent(db, { tenantId: args.tenant, agent: args.agent, actor: CLI });
    return `deactivated ${agent.agent} in tenant ${args.tenant}: ${revokedTokens} token(s) revoked; enrolment refused until: aitl agents reactivate ${agent.agent} --tenant ${args.tenant}\n`;
  },

  async 'agents.reactivate'({ db }: AccessContext, args: { agent: string; tenant: string }): Promise<string> {
    const { agent } = await reactivateAgent(db, { tenantId: args.tenant, agent: args.agent, actor: CLI });
    return `re-activated ${agent.agent} in tenant ${args.tenant}: they may enrol again (their old tokens stay revoked)\n`;
  },

  async 'audit.list'({ db }: AccessContext, args: { tenant?: string; limit?: number; json?: boolean }): Promise<string> {
    const limit = args.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new AccessError('--limit must be a whole number from 1 to 500');
    const { events } = await listAudit(db, { tenantId: args.tenant, limit });
    if (args.json) return json(events);
    if (events.length === 0) return 'no access events yet\n';
    const header = ['AT', 'TENANT', 'ACTION', 'REASON', 'AGENT', 'ACTOR', 'IP'];
    const rows = events.map((e) => [e.at, e.tenantId ?? '-', e.action, e.reason ?? '', e.agent ?? '', e.actor, e.ip ?? '']);
    return table(header, rows);
  },
} satisfies Record<string, (ctx: AccessContext, args: never) => Promise<string>>;
