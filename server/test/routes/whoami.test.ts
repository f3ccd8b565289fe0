import { describe, expect, it } from 'vitest';
import { TokenOwner } from '../../../lib/contract';
import { revokeToken } from '../../src/auth/tokens';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

describe.each(testDatabases())('GET /v1/whoami on $name', (testDb) => {
  const suite = suiteApp(testDb);

  it("names the agent and tenant of an agent's token", async () => {
    const agent = await tokenFor(suite.db, 'agent', { name: 'Maya@Example.com' });
    const res = await suite.app.inject({ method: 'GET', url: '/v1/whoami', headers: agent.headers });
    expect(res.statusCode).toBe(200);
    const body = TokenOwner.parse(res.json());
    // The agent identity as it is recorded on annotations (emails lower-cased).
    expect(body).toEqual({ tenant: agent.tenantId, role: 'agent', name: 'maya@example.com' });
  });

  it('answers for operator and admin tokens too', async () => {
    for (const role of ['operator', 'admin'] as const) {
      const t = await tokenFor(suite.db, role, { name: `${role} bot` });
      const res = await suite.app.inject({ method: 'GET', url: '/v1/whoami', headers: t.headers });
      expect(res.json()).toEqual({ tenant: t.tenantId, role, name: `${role} bot` });
    }
  });

  it('refuses a missing, unknown or revoked token with 401 and says why', async () => {
    const none = await suite.app.inject({ method: 'GET', url: '/v1/whoami' });
    expect(none.statusCode).toBe(401);
    expect(none.json().error.message).toMatch(/missing bearer token/);

    const unknown = await suite.app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer aitl_agent_${'0'.repeat(64)}` } });
    expect(unknown.statusCode).toBe(401);

    const agent = await tokenFor(suite.db, 'agent');
    await revokeToken(suite.db, agent.id);
    const revoked = await suite.app.inject({ method: 'GET', url: '/v1/whoami', headers: agent.headers });
    expect(revoked.statusCode).toBe(401);
    expect(revoked.json().error.message).toMatch(/invalid or revoked/);
  });
});
