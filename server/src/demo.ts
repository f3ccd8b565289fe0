import { fileURLToPath } from 'node:url';
import type { Database } from './db/database';
import { createToken } from './auth/tokens';
import { importKnowledgeBase } from './knowledge/import';
import { readSource } from './knowledge/sources/read-source';

export const DEMO_TENANT = 'demo';
/** The demo company's help centre (Markdown with front matter) and its labelled tickets. */
export const DEMO_KB_DIR = fileURLToPath(new URL('../../demo/kb/', import.meta.url));
export const DEMO_TICKETS = fileURLToPath(new URL('../../demo/tickets.jsonl', import.meta.url));
export const DEMO_SOURCE = 'demo-help-center';

/**
 * On an empty database, creates the demo tenant with one agent and one operator token and
 * returns what to print. Tokens are stored only as hashes, so they are shown this once. When the
 * demo tenant has no knowledge base yet, the demo help centre is imported into it, so an agent
 * sees real suggestions out of the box.
 */
export async function seedDemo(db: Database): Promise<string | null> {
  const lines: string[] = [];
  const { rows } = await db.query('SELECT 1 FROM tenants LIMIT 1');
  if (rows.length === 0) {
    const agent = await createToken(db, { tenantId: DEMO_TENANT, role: 'agent', name: 'demo-agent' });
    const operator = await createToken(db, { tenantId: DEMO_TENANT, role: 'operator', name: 'demo-operator' });
    lines.push(
      `Seeded tenant "${DEMO_TENANT}". These tokens are shown only once:`,
      `  agent token (paste into the extension's options): ${agent.token}`,
      `  operator token (for batches and metrics):         ${operator.token}`,
      'More: npx aitl tokens create --role agent --name NAME --tenant demo',
    );
  }
  const demoTenant = await db.query('SELECT 1 FROM tenants WHERE id = $1', [DEMO_TENANT]);
  const kb = await db.query('SELECT 1 FROM knowledge_bases WHERE tenant_id = $1', [DEMO_TENANT]);
  if (demoTenant.rows.length > 0 && kb.rows.length === 0) {
    const summary = await importKnowledgeBase(db, { tenantId: DEMO_TENANT, source: DEMO_SOURCE, origin: 'demo/kb', parsed: readSource(DEMO_KB_DIR, 'markdown') });
    lines.push(`Loaded the demo knowledge base into tenant "${DEMO_TENANT}": ${summary.added} articles (Lumio, a fictional smart-home company).`);
  }
  return lines.length > 0 ? lines.join('\n') : null;
}
