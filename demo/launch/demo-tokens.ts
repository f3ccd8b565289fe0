import fs from 'node:fs';
import path from 'node:path';
import { authenticate, createToken } from '../../server/src/auth/tokens';
import type { Database } from '../../server/src/db/database';
import { DEMO_TENANT } from '../../server/src/demo';

/** Who the demo browser clicks as (the name on every annotation it makes). */
export const DEMO_AGENT = 'demo.agent@lumio.example';
const DEMO_OPERATOR = 'demo-dashboard';

export interface DemoTokens {
  /** The extension's token: an agent of the demo tenant. */
  agent: string;
  /** For the dashboard's sign-in: an operator of the demo tenant. */
  operator: string;
}

/**
 * The demo's tokens: recovered from `file` (in the demo's own data folder, readable by this user
 * only) while the database still knows them, else created afresh in the demo tenant and saved
 * there. The server keeps only hashes, so this file is the one place a token can be read back.
 */
export async function demoTokens(db: Database, file: string): Promise<DemoTokens> {
  const saved = readSaved(file);
  const valid = async (token: string | undefined, role: 'agent' | 'operator') => {
    if (!token) return false;
    const auth = await authenticate(db, token);
    return auth !== null && auth.tenantId === DEMO_TENANT && auth.role === role;
  };
  const agent = (await valid(saved.agent, 'agent')) ? saved.agent! : (await createToken(db, { tenantId: DEMO_TENANT, role: 'agent', name: DEMO_AGENT, actor: 'npm run demo' })).token;
  const operator = (await valid(saved.operator, 'operator')) ? saved.operator! : (await createToken(db, { tenantId: DEMO_TENANT, role: 'operator', name: DEMO_OPERATOR, actor: 'npm run demo' })).token;
  if (agent !== saved.agent || operator !== saved.operator) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ agent, operator } satisfies DemoTokens, null, 2) + '\n', { mode: 0o600 });
  }
  return { agent, operator };
}

function readSaved(file: string): Partial<DemoTokens> {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed = JSON.parse(raw) as Partial<Record<keyof DemoTokens, unknown>>;
    return { ...(typeof parsed.agent === 'string' && { agent: parsed.agent }), ...(typeof parsed.operator === 'string' && { operator: parsed.operator }) };
  } catch {
    // A damaged file loses nothing: the tokens in it are replaced by new ones.
    console.warn(`${file} is not JSON; creating new demo tokens`);
    return {};
  }
}
