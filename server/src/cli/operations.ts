import type { Config } from '../config';
import type { Database } from '../db/database';
import { loadMigrations } from '../db/migrate';
import { ROLES, createToken, listTokens, revokeToken, type Role } from '../auth/tokens';

/** A failure the person at the terminal can act on; printed without a stack trace. */
export class OperationError extends Error {}

export interface OperationContext {
  db: Database;
  config: Config;
}

/**
 * CLI commands that work on the database. Each returns what it prints on stdout. They run either
 * in the CLI process, or, when `aitl serve` holds the embedded database, inside that server
 * through its admin socket (the data folder is never opened twice).
 */
export const operations = {
  async migrate({ db }: OperationContext, _args: Record<string, never>): Promise<string> {
    // Opening the database already applied pending migrations; report where the schema stands.
    const { rows } = await db.query<{ version: number; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    const latest = rows.at(-1);
    return `schema is up to date: version ${latest?.version ?? 0} (${latest?.name ?? 'empty'}), ${loadMigrations().length} migration(s) known, db ${db.kind}\n`;
  },

  async 'tokens.create'({ db }: OperationContext, args: { role: string; name: string; tenant: string }): Promise<string> {
    if (!ROLES.includes(args.role as Role)) throw new OperationError(`--role must be one of ${ROLES.join(', ')}`);
    const created = await createToken(db, { tenantId: args.tenant, role: args.role as Role, name: args.name });
    const lines = [
      ...(created.tenantCreated ? [`created tenant ${args.tenant}`] : []),
      `created ${args.role} token ${created.id} for "${args.name.trim()}" in tenant ${args.tenant}`,
      'it is shown only this once; store it now:',
      created.token,
    ];
    return lines.join('\n') + '\n';
  },

  async 'tokens.list'({ db }: OperationContext, args: { tenant?: string; json?: boolean }): Promise<string> {
    const tokens = await listTokens(db, args.tenant);
    if (args.json) return JSON.stringify(tokens, null, 2) + '\n';
    if (tokens.length === 0) return 'no tokens; create one with: aitl tokens create --role agent --name NAME\n';
    const header = ['ID', 'TENANT', 'ROLE', 'NAME', 'ENDS WITH', 'CREATED', 'LAST USED', 'STATUS'];
    const rows = tokens.map((t) => [t.id, t.tenantId, t.role, t.name, `…${t.hint}`, t.createdAt, t.lastUsedAt ?? '-', t.revokedAt ? `revoked ${t.revokedAt}` : 'active']);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    return [header, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
  },

  async 'tokens.revoke'({ db }: OperationContext, args: { id: string }): Promise<string> {
    if (!(await revokeToken(db, args.id))) throw new OperationError(`no token with id ${args.id}; see aitl tokens list`);
    return `revoked token ${args.id}\n`;
  },
} satisfies Record<string, (ctx: OperationContext, args: never) => Promise<string>>;

export type OperationName = keyof typeof operations;
export type OperationArgs<N extends OperationName> = Parameters<(typeof operations)[N]>[1];

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(operations, name);
}
