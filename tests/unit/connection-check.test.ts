// @vitest-environment node
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkConnection } from '../../lib/backend/connection-check';
import { revokeToken } from '../../server/src/auth/tokens';
import type { Database } from '../../server/src/db/database';
import { testApp, tokenFor } from '../../server/test/helpers/app';
import { testDatabases } from '../../server/test/helpers/databases';

// PGlite is enough here: what is checked is the extension's reading of the backend's answers.
const [pglite] = testDatabases();

describe('Test connection against the real backend', () => {
  let db: Database;
  let app: FastifyInstance;
  let backendUrl: string;

  beforeAll(async () => {
    db = await pglite!.open();
    ({ app } = await testApp(db));
    backendUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await pglite!.cleanup();
  });

  it('reports health and whose the token is', async () => {
    const agent = await tokenFor(db, 'agent', { name: 'sam@acme.example' });
    const check = await checkConnection({ backendUrl, token: agent.token });
    expect(check.health).toEqual({ ok: true, version: expect.any(String), db: 'pglite' });
    expect(check.owner).toEqual({ ok: true, tenant: agent.tenantId, role: 'agent', name: 'sam@acme.example' });
  });

  it('without a token, checks health only', async () => {
    const check = await checkConnection({ backendUrl, token: '' });
    expect(check.health.ok).toBe(true);
    expect(check.owner).toBeNull();
  });

  it('says a revoked token was refused and what to do', async () => {
    const agent = await tokenFor(db, 'agent');
    await revokeToken(db, agent.id);
    const check = await checkConnection({ backendUrl, token: agent.token });
    expect(check.health.ok).toBe(true);
    expect(check.owner).toEqual({ ok: false, message: expect.stringMatching(/refused the token \(invalid or revoked token\).*Paste a valid agent token/) });
  });

  it('says an address nobody answers at is unreachable', async () => {
    const check = await checkConnection({ backendUrl: 'http://127.0.0.1:9', token: 'aitl_agent_x' }, { timeoutMs: 3000 });
    expect(check.health).toEqual({ ok: false, message: expect.stringMatching(/^Cannot reach http:\/\/127\.0\.0\.1:9 /) });
    expect(check.owner).toEqual({ ok: false, message: expect.stringMatching(/unreachable/) });
  });

  it('says a server that is not AITL is not AITL', async () => {
    const notAitl: typeof fetch = async () => new Response('<html>hello</html>', { status: 200, headers: { 'content-type': 'text/html' } });
    const check = await checkConnection({ backendUrl: 'https://www.example.com', token: '' }, { fetch: notAitl });
    expect(check.health).toEqual({ ok: false, message: expect.stringMatching(/not as an AITL backend does/) });
  });
});
