import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDemoOrigin, DEFAULT_DEMO_PORT, demoPort } from '../../../demo/launch/demo-origin';
import { DEMO_AGENT, demoTokens } from '../../../demo/launch/demo-tokens';
import { authenticate, revokeToken } from '../../src/auth/tokens';
import type { Database } from '../../src/db/database';
import { testDatabases } from '../helpers/databases';

describe('the demo build manifest', () => {
  it('adds the demo origin to the host permissions and "(demo)" to the name, nothing else', () => {
    const production = { name: 'AITL', host_permissions: ['https://*.zendesk.com/*'], permissions: ['storage'], content_scripts: [{ matches: ['https://*.zendesk.com/agent/*'] }] };
    const manifest = structuredClone(production);
    addDemoOrigin(manifest, 9999);
    expect(manifest).toEqual({ ...production, name: 'AITL (demo)', host_permissions: ['https://*.zendesk.com/*', 'http://127.0.0.1:9999/*'] });
  });
  it('takes its port from AITL_DEMO_PORT, and refuses one that is not a port', () => {
    expect(demoPort({})).toBe(DEFAULT_DEMO_PORT);
    expect(demoPort({ AITL_DEMO_PORT: '9100' })).toBe(9100);
    expect(() => demoPort({ AITL_DEMO_PORT: '80a' })).toThrow(/AITL_DEMO_PORT must be a port number/);
    expect(() => demoPort({ AITL_DEMO_PORT: '70000' })).toThrow(/AITL_DEMO_PORT/);
  });
});

describe.each(testDatabases())('the demo tokens on $name', (testDb) => {
  let db: Database;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-demo-tokens-'));
  const file = path.join(dir, 'demo-tokens.json');

  beforeAll(async () => {
    db = await testDb.open();
  });
  afterAll(async () => {
    await db?.close();
    await testDb.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates an agent and an operator of the demo tenant, saved for this user only', async () => {
    const tokens = await demoTokens(db, file);
    expect(await authenticate(db, tokens.agent)).toMatchObject({ tenantId: 'demo', role: 'agent', name: DEMO_AGENT });
    expect(await authenticate(db, tokens.operator)).toMatchObject({ tenantId: 'demo', role: 'operator' });
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(tokens);
    expect(fs.statSync(file).mode & 0o077).toBe(0);
  });

  it('recovers the saved tokens on the next start', async () => {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { agent: string; operator: string };
    expect(await demoTokens(db, file)).toEqual(saved);
  });

  it('replaces a revoked token and a damaged file, keeping what still works', async () => {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as { agent: string; operator: string };
    const agent = await authenticate(db, saved.agent);
    await revokeToken(db, agent!.tokenId);
    const next = await demoTokens(db, file);
    expect(next.operator).toBe(saved.operator);
    expect(next.agent).not.toBe(saved.agent);
    expect(await authenticate(db, next.agent)).toMatchObject({ role: 'agent', name: DEMO_AGENT });

    fs.writeFileSync(file, '{not json');
    const fresh = await demoTokens(db, file);
    expect(fresh.agent).not.toBe(next.agent);
    expect(await authenticate(db, fresh.agent)).not.toBeNull();
  });
});
