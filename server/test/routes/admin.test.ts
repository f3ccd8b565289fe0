import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentActionResult, AgentList, ApiError, AuditList, EnrollmentKeyCreated, EnrollmentKeyInfo, EnrollmentKeyList, TokenCreated, TokenInfo, TokenList } from '../../../lib/contract';
import type { Database } from '../../src/db/database';
import { makeAnnotation } from '../helpers/annotations';
import { testApp, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { enroll, enrollmentKeyFor } from '../helpers/enrollment';

type Headers = Record<string, string>;

describe.each(testDatabases())('/v1/admin on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  // Tenant A with a token of each role; tenant B with its own admin.
  let adminA: Awaited<ReturnType<typeof tokenFor>>;
  let agentA: Awaited<ReturnType<typeof tokenFor>>;
  let operatorA: Awaited<ReturnType<typeof tokenFor>>;
  let adminB: Awaited<ReturnType<typeof tokenFor>>;
  let keyA: Awaited<ReturnType<typeof enrollmentKeyFor>>;

  beforeAll(async () => {
    db = await testDb.open();
    ({ app } = await testApp(db));
    adminA = await tokenFor(db, 'admin', { name: 'it-lead' });
    agentA = await tokenFor(db, 'agent', { tenant: adminA.tenantId, name: 'agent-a@example.com' });
    operatorA = await tokenFor(db, 'operator', { tenant: adminA.tenantId });
    adminB = await tokenFor(db, 'admin');
    keyA = await enrollmentKeyFor(db, { tenant: adminA.tenantId });
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const call = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: object) => app.inject({ method, url, headers, ...(payload && { payload }) });
  const get = (url: string, headers: Headers) => call('GET', url, headers);
  const post = (url: string, headers: Headers, payload: object = {}) => call('POST', url, headers, payload);

  async function syncAs(token: string) {
    const clientId = randomUUID();
    return (await post('/v1/sync', { authorization: `Bearer ${token}` }, { clientId, annotations: [makeAnnotation('relevance', clientId)] })).statusCode;
  }

  it('admits only admin tokens: no token 401, agent and operator 403', async () => {
    const routes: [method: 'GET' | 'POST', url: string, body?: object][] = [
      ['GET', '/v1/admin/tokens'],
      ['POST', '/v1/admin/tokens', { role: 'agent', name: 'x' }],
      ['POST', `/v1/admin/tokens/${agentA.id}/revoke`],
      ['GET', '/v1/admin/enrollment-keys'],
      ['POST', '/v1/admin/enrollment-keys', {}],
      ['POST', `/v1/admin/enrollment-keys/${keyA.info.id}/revoke`],
      ['GET', '/v1/admin/agents'],
      ['POST', '/v1/admin/agents/deactivate', { agent: 'agent-a@example.com' }],
      ['POST', '/v1/admin/agents/reactivate', { agent: 'agent-a@example.com' }],
      ['GET', '/v1/admin/audit'],
    ];
    for (const [method, url, body] of routes) {
      expect((await call(method, url, {}, body)).statusCode, `${method} ${url} without a token`).toBe(401);
      for (const who of [agentA, operatorA]) {
        const res = await call(method, url, who.headers, body);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(ApiError.parse(res.json()).error.message).toContain('role admin');
      }
    }
    // Nothing changed.
    expect(await syncAs(agentA.token)).toBe(200);
  });

  it('creates a token shown once, lists it without the secret, and revokes it at once', async () => {
    const res = await post('/v1/admin/tokens', adminA.headers, { role: 'agent', name: ' Pat@Example.com ' });
    expect(res.statusCode).toBe(201);
    const created = TokenCreated.parse(res.json());
    expect(created.info).toMatchObject({ role: 'agent', name: 'pat@example.com', origin: 'manual', tenantId: adminA.tenantId });
    expect(await syncAs(created.token)).toBe(200);

    const listed = await get('/v1/admin/tokens', adminA.headers);
    expect(TokenList.parse(listed.json()).tokens.map((t) => t.id)).toContain(created.info.id);
    expect(listed.body).not.toContain(created.token);

    const revoked = await post(`/v1/admin/tokens/${created.info.id}/revoke`, adminA.headers);
    expect(TokenInfo.parse(revoked.json()).revokedAt).not.toBeNull();
    expect(await syncAs(created.token)).toBe(401);
    const bad = await post('/v1/admin/tokens', adminA.headers, { role: 'root', name: '' });
    expect(bad.statusCode).toBe(400);
    expect(ApiError.parse(bad.json()).error.paths).toEqual(expect.arrayContaining(['role', 'name']));
  });

  it('creates enrollment keys with normalised domains and an expiry, and revokes them at once', async () => {
    const res = await post('/v1/admin/enrollment-keys', adminA.headers, { name: 'Lisbon team', emailDomains: ['@Example.COM', 'example.org'], expiresIn: '30d' });
    expect(res.statusCode).toBe(201);
    const { enrollmentKey, info } = EnrollmentKeyCreated.parse(res.json());
    expect(info).toMatchObject({ name: 'Lisbon team', emailDomains: ['example.com', 'example.org'], status: 'active', createdBy: expect.stringContaining(adminA.id) });
    const days = (Date.parse(info.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const body = { enrollmentKey, email: 'lis@example.org', platform: 'zendesk' };
    expect((await enroll(app, body)).statusCode).toBe(200);
    const listed = EnrollmentKeyList.parse((await get('/v1/admin/enrollment-keys', adminA.headers)).json());
    expect(listed.enrollmentKeys.find((k) => k.id === info.id)).toMatchObject({ enrolments: 1, lastUsedAt: expect.any(String) });

    const revoked = EnrollmentKeyInfo.parse((await post(`/v1/admin/enrollment-keys/${info.id}/revoke`, adminA.headers)).json());
    expect(revoked.status).toBe('revoked');
    expect((await enroll(app, body)).statusCode).toBe(401);

    const bad = await post('/v1/admin/enrollment-keys', adminA.headers, { emailDomains: ['not a domain'], expiresIn: '30 days' });
    expect(bad.statusCode).toBe(400);
    expect(ApiError.parse(bad.json()).error.paths).toEqual(expect.arrayContaining(['emailDomains.0', 'expiresIn']));
  });

  it('lists agents with devices and last sync; deactivation revokes every token and blocks enrolment and new tokens until re-activation', async () => {
    const body = { enrollmentKey: keyA.enrollmentKey, email: 'quinn@example.com', platform: 'salesforce' };
    const { token } = (await enroll(app, body)).json();
    expect(await syncAs(token)).toBe(200);
    const quinn = AgentList.parse((await get('/v1/admin/agents', adminA.headers)).json()).agents.find((a) => a.agent === 'quinn@example.com');
    expect(quinn).toMatchObject({ status: 'active', activeTokens: 1, devices: 1, lastSyncAt: expect.any(String), lastEnrolledAt: expect.any(String) });

    const off = AgentActionResult.parse((await post('/v1/admin/agents/deactivate', adminA.headers, { agent: 'Quinn@example.com' })).json());
    expect(off).toMatchObject({ revokedTokens: 1, agent: { status: 'deactivated', activeTokens: 0 } });
    expect(await syncAs(token)).toBe(401);
    expect((await enroll(app, body)).statusCode).toBe(403);
    expect((await post('/v1/admin/tokens', adminA.headers, { role: 'agent', name: 'quinn@example.com' })).statusCode).toBe(409);

    const on = AgentActionResult.parse((await post('/v1/admin/agents/reactivate', adminA.headers, { agent: 'quinn@example.com' })).json());
    expect(on.agent).toMatchObject({ status: 'active', activeTokens: 0 });
    expect((await enroll(app, body)).statusCode).toBe(200);
    expect((await post('/v1/admin/agents/deactivate', adminA.headers, { agent: 'nobody@example.com' })).statusCode).toBe(404);

    const audit = AuditList.parse((await get('/v1/admin/audit?limit=5', adminA.headers)).json());
    expect(audit.events.map((e) => e.action)).toContain('agent.reactivated');
    expect(audit.events.find((e) => e.action === 'agent.reactivated')!.actor).toBe(`admin token ${adminA.id} (it-lead)`);
    expect(audit.nextBefore).not.toBeNull();
    const older = AuditList.parse((await get(`/v1/admin/audit?limit=5&before=${audit.nextBefore}`, adminA.headers)).json());
    expect(older.events[0]!.id).toBeLessThan(audit.events.at(-1)!.id);
  });

  it("shows another tenant's admin nothing of this tenant, and lets it change nothing", async () => {
    const lists = {
      tokens: TokenList.parse((await get('/v1/admin/tokens', adminB.headers)).json()).tokens,
      keys: EnrollmentKeyList.parse((await get('/v1/admin/enrollment-keys', adminB.headers)).json()).enrollmentKeys,
      agents: AgentList.parse((await get('/v1/admin/agents', adminB.headers)).json()).agents,
      audit: AuditList.parse((await get('/v1/admin/audit?limit=500', adminB.headers)).json()).events,
    };
    expect(lists.tokens.map((t) => t.tenantId)).toEqual([adminB.tenantId]);
    expect(lists.keys).toEqual([]);
    expect(lists.agents).toEqual([]);
    expect(lists.audit.every((e) => e.tenantId === adminB.tenantId)).toBe(true);

    expect((await post(`/v1/admin/tokens/${agentA.id}/revoke`, adminB.headers)).statusCode).toBe(404);
    expect((await post(`/v1/admin/enrollment-keys/${keyA.info.id}/revoke`, adminB.headers)).statusCode).toBe(404);
    expect((await post('/v1/admin/agents/deactivate', adminB.headers, { agent: 'agent-a@example.com' })).statusCode).toBe(404);
    expect(await syncAs(agentA.token)).toBe(200);
    expect((await enroll(app, { enrollmentKey: keyA.enrollmentKey, email: 'still@example.com', platform: 'zendesk' })).statusCode).toBe(200);
    // A token an admin creates lands in the admin's own tenant, whatever the body says.
    const res = await post('/v1/admin/tokens', adminB.headers, { role: 'operator', name: 'b-ops', tenantId: adminA.tenantId });
    expect(res.statusCode).toBe(400);
  });
});
