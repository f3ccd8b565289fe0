import type { Database } from './db/database';
import { createToken } from './auth/tokens';

export const DEMO_TENANT = 'demo';

/**
 * On an empty database, creates the demo tenant with one agent and one operator token and returns
 * what to print. Tokens are stored only as hashes, so they are shown this once.
 */
export async function seedDemo(db: Database): Promise<string | null> {
  const { rows } = await db.query('SELECT 1 FROM tenants LIMIT 1');
  if (rows.length > 0) return null;
  const agent = await createToken(db, { tenantId: DEMO_TENANT, role: 'agent', name: 'demo-agent' });
  const operator = await createToken(db, { tenantId: DEMO_TENANT, role: 'operator', name: 'demo-operator' });
  return [
    `Seeded tenant "${DEMO_TENANT}". These tokens are shown only once:`,
    `  agent token (paste into the extension's options): ${agent.token}`,
    `  operator token (for batches and metrics):         ${operator.token}`,
    'More: npx aitl tokens create --role agent --name NAME --tenant demo',
  ].join('\n');
}
