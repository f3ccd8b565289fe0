import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, EnrollResponse, EnrollmentMethods } from '../../../lib/contract';
import { deactivateAgent, listAgents, reactivateAgent } from '../../src/auth/agents';
import { listAudit } from '../../src/auth/audit';
import { listTokens, revokeToken } from '../../src/auth/tokens';
import type { Database } from '../../src/db/database';
import { revokeEnrollmentKey } from '../../src/enrollment/keys';
import { makeAnnotation } from '../helpers/annotations';
import { testApp } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { enroll, enrollmentKeyFor, unknownEnrollmentKey } from '../helpers/enrollment';

describe.each(testDatabases())('POST /v1/enroll on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let logs: string[];

  beforeAll(async () => {
    db = await testDb.open();
    ({ app, logs } = await testApp(db, { logLevel: 'trace' }));
  });
  afterAll(async () => {
    await app?.close();
    await db?.close();
    await testDb.cleanup();
  });

  /** Syncs one annotation with a token: the status, and the agent it was stored under. */
  async function syncWith(token: string, tenantId: string) {
    const clientId = randomUUID();
    const annotation = makeAnnotation('relevance', clientId);
    const res = await app.inject({ method: 'POST', url: '/v1/sync', headers: { authorization: `Bearer ${token}` }, payload: { clientId, annotations: [annotation] } });
    const { rows } = await db.query<{ agent: string }>('SELECT agent FROM annotations WHERE tenant_id = $1 AND id = $2', [tenantId, annotation.id]);
    return { status: res.statusCode, agent: rows[0]?.agent };
  }

  const errorOf = (res: { json(): unknown }) => ApiError.parse(res.json()).error;

  it('says what it offers without a token: the key, and no company sign-in unless configured', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/enroll' });
    expect(res.statusCode).toBe(200);
    expect(EnrollmentMethods.parse(res.json())).toEqual({ enrollmentKey: true, companySignIn: null });
    const signIn = await app.inject({ method: 'POST', url: '/v1/enroll/oidc', payload: {} });
    expect(signIn.statusCode).toBe(404);
  });

  it('gives a personal agent token named after the email (case normalised), audited with key, IP and user agent', async () => {
    const key = await enrollmentKeyFor(db);
    const res = await enroll(app, { enrollmentKey: key.enrollmentKey, email: '  Jane.Doe@Example.COM', platform: 'zendesk' }, { ip: '203.0.113.7' });
    expect(res.statusCode).toBe(200);
    const body = EnrollResponse.parse(res.json());
    expect(body).toEqual({ token: expect.stringMatching(/^aitl_agent_/), tenant: key.tenantId, agent: 'jane.doe@example.com' });

    expect(await syncWith(body.token, key.tenantId)).toEqual({ status: 200, agent: 'jane.doe@example.com' });
    const [token] = await listTokens(db, key.tenantId);
    expect(token).toMatchObject({ role: 'agent', name: 'jane.doe@example.com', origin: 'enrollment', enrollmentKeyId: key.info.id });
    const { events } = await listAudit(db, { tenantId: key.tenantId, limit: 10 });
    expect(events[0]).toMatchObject({
      action: 'enrollment.granted',
      agent: 'jane.doe@example.com',
      enrollmentKeyId: key.info.id,
      tokenId: token!.id,
      ip: '203.0.113.7',
      userAgent: expect.stringContaining('Chrome/140'),
      actor: `enrollment key ${key.info.id}`,
    });
  });

  it('accepts every helpdesk, RT included, and refuses malformed requests naming the fields', async () => {
    const key = await enrollmentKeyFor(db);
    for (const platform of ['salesforce', 'rt']) {
      expect((await enroll(app, { enrollmentKey: key.enrollmentKey, email: `${platform}@example.com`, platform })).statusCode).toBe(200);
    }
    const bad = await enroll(app, { enrollmentKey: 'aitl_agent_123', email: 'not-an-email', platform: 'freshdesk', extra: 1 });
    expect(bad.statusCode).toBe(400);
    expect(errorOf(bad).paths).toEqual(expect.arrayContaining(['enrollmentKey', 'email', 'platform', 'extra']));
    expect(errorOf(bad).message).not.toContain('aitl_agent_123');
    // Anyone may call it, so it reads no more than an enrolment needs.
    const huge = await enroll(app, { enrollmentKey: key.enrollmentKey, email: `${'a'.repeat(20_000)}@example.com`, platform: 'zendesk' });
    expect(huge.statusCode).toBe(413);
  });

  it('gives another device its own token under the same identity, leaving the first working, with the same answer as a first enrolment', async () => {
    const key = await enrollmentKeyFor(db);
    const first = await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'sam@example.com', platform: 'zendesk' });
    const again = await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'SAM@example.com', platform: 'salesforce' });
    const stranger = await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'new-person@example.com', platform: 'zendesk' });
    // Known or not, the answer is the same: 200 and the same three fields.
    for (const res of [again, stranger]) {
      expect(res.statusCode).toBe(first.statusCode);
      expect(Object.keys(res.json()).sort()).toEqual(Object.keys(first.json()).sort());
      expect(Object.keys(res.headers).sort()).toEqual(Object.keys(first.headers).sort());
    }
    const a = EnrollResponse.parse(first.json());
    const b = EnrollResponse.parse(again.json());
    expect(b.token).not.toBe(a.token);
    expect(b.agent).toBe(a.agent);
    expect(await syncWith(a.token, key.tenantId)).toEqual({ status: 200, agent: 'sam@example.com' });
    expect(await syncWith(b.token, key.tenantId)).toEqual({ status: 200, agent: 'sam@example.com' });
    const [sam] = (await listAgents(db, key.tenantId)).filter((x) => x.agent === 'sam@example.com');
    expect(sam).toMatchObject({ status: 'active', activeTokens: 2, devices: 2, lastSyncAt: expect.any(String) });
  });

  it('answers 401 alike for unknown, revoked and expired keys, and the audit tells them apart', async () => {
    const revoked = await enrollmentKeyFor(db);
    const expired = await enrollmentKeyFor(db, { expiresIn: '1h' });
    const email = 'kim@example.com';
    expect((await enroll(app, { enrollmentKey: revoked.enrollmentKey, email, platform: 'zendesk' })).statusCode).toBe(200);
    await revokeEnrollmentKey(db, revoked.info.id, { actor: 'test' });
    await db.query("UPDATE enrollment_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [expired.info.id]);

    const answers = [];
    for (const enrollmentKey of [unknownEnrollmentKey(), revoked.enrollmentKey, expired.enrollmentKey]) {
      const res = await enroll(app, { enrollmentKey, email, platform: 'zendesk' });
      expect(res.statusCode).toBe(401);
      answers.push(errorOf(res).message);
    }
    expect(new Set(answers).size).toBe(1);
    expect(answers[0]).toContain('ask your AITL admin');

    const reasons = async (tenantId: string) => (await listAudit(db, { tenantId, limit: 10 })).events.filter((e) => e.action === 'enrollment.refused').map((e) => e.reason);
    expect(await reasons(revoked.tenantId)).toEqual(['revoked_key']);
    expect(await reasons(expired.tenantId)).toEqual(['expired_key']);
    const anonymous = (await listAudit(db, { limit: 50 })).events.find((e) => e.reason === 'unknown_key' && e.agent === email);
    expect(anonymous).toMatchObject({ tenantId: null, actor: 'anonymous', action: 'enrollment.refused' });
  });

  it("refuses emails outside the key's domains (exact domains only) with 403; a key without domains admits any", async () => {
    const key = await enrollmentKeyFor(db, { emailDomains: ['example.com', 'example.org'] });
    for (const email of ['lee@example.net', 'lee@eu.example.com', 'lee@example.com.evil.io']) {
      const res = await enroll(app, { enrollmentKey: key.enrollmentKey, email, platform: 'zendesk' });
      expect(res.statusCode, email).toBe(403);
      expect(errorOf(res).message).toContain('example.com, example.org');
    }
    expect((await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'lee@example.org', platform: 'zendesk' })).statusCode).toBe(200);
    const open = await enrollmentKeyFor(db, { emailDomains: [] });
    expect((await enroll(app, { enrollmentKey: open.enrollmentKey, email: 'anyone@gmail.com', platform: 'zendesk' })).statusCode).toBe(200);
    const refused = (await listAudit(db, { tenantId: key.tenantId, limit: 10 })).events.filter((e) => e.reason === 'domain_not_allowed');
    expect(refused.map((e) => e.agent).sort()).toEqual(['lee@eu.example.com', 'lee@example.com.evil.io', 'lee@example.net']);
  });

  it('revocation of a token takes effect on the next request; other devices of the agent keep working', async () => {
    const key = await enrollmentKeyFor(db);
    const one = EnrollResponse.parse((await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'ana@example.com', platform: 'zendesk' })).json());
    const two = EnrollResponse.parse((await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'ana@example.com', platform: 'zendesk' })).json());
    const tokenId = (await listTokens(db, key.tenantId)).find((t) => t.hint === one.token.slice(-4))!.id;
    await revokeToken(db, tokenId, { actor: 'test' });
    expect((await syncWith(one.token, key.tenantId)).status).toBe(401);
    expect((await syncWith(two.token, key.tenantId)).status).toBe(200);
  });

  it('a deactivated agent loses every token at once and cannot enrol again until re-activated', async () => {
    const key = await enrollmentKeyFor(db);
    const body = { enrollmentKey: key.enrollmentKey, email: 'max@example.com', platform: 'zendesk' };
    const tokens = [EnrollResponse.parse((await enroll(app, body)).json()), EnrollResponse.parse((await enroll(app, body)).json())];

    const { revokedTokens } = await deactivateAgent(db, { tenantId: key.tenantId, agent: 'Max@Example.com', actor: 'test' });
    expect(revokedTokens).toBe(2);
    for (const t of tokens) expect((await syncWith(t.token, key.tenantId)).status).toBe(401);
    const refused = await enroll(app, body);
    expect(refused.statusCode).toBe(403);
    expect(errorOf(refused).message).toContain('deactivated');

    await reactivateAgent(db, { tenantId: key.tenantId, agent: 'max@example.com', actor: 'test' });
    const back = EnrollResponse.parse((await enroll(app, body)).json());
    expect((await syncWith(back.token, key.tenantId)).status).toBe(200);
    expect((await syncWith(tokens[0]!.token, key.tenantId)).status).toBe(401); // re-activation restores the right, not the tokens
    const actions = (await listAudit(db, { tenantId: key.tenantId, limit: 20 })).events.map((e) => `${e.action}${e.reason ? `:${e.reason}` : ''}`);
    expect(actions.slice(0, 4)).toEqual(['enrollment.granted', 'agent.reactivated', 'enrollment.refused:agent_deactivated', 'agent.deactivated']);
  });

  it('never writes keys or tokens to the log, even at trace level or when a body is logged', async () => {
    const key = await enrollmentKeyFor(db);
    const res = await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'log@example.com', platform: 'zendesk' });
    const { token } = EnrollResponse.parse(res.json());
    await enroll(app, { enrollmentKey: unknownEnrollmentKey().slice(0, -1) + 'x', email: 'log@example.com', platform: 'zendesk' });
    // Whatever logs a request body or a response some day is redacted too.
    app.log.info({ req: { body: { enrollmentKey: key.enrollmentKey } }, body: { token }, token, enrollmentKey: key.enrollmentKey }, 'body logged');
    const all = logs.join('');
    expect(all).toContain('agent enrolled');
    expect(all).toContain('[redacted]');
    expect(all).not.toContain(key.enrollmentKey);
    expect(all).not.toContain(token);
    expect(all).not.toContain(key.enrollmentKey.slice(12));
  });
});
