import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError, EnrollResponse, EnrollmentMethods } from '../../../lib/contract';
import { deactivateAgent } from '../../src/auth/agents';
import { listAudit } from '../../src/auth/audit';
import { listTokens } from '../../src/auth/tokens';
import type { Database } from '../../src/db/database';
import type { CompanySignInConfig } from '../../src/enrollment/company-sign-in';
import { makeAnnotation } from '../helpers/annotations';
import { testApp } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { CLIENT_ID, CONFIDENTIAL_CLIENT_ID, CONFIDENTIAL_SECRET, OTHER_CLIENT_ID, startOidcProvider, type TestProvider } from '../helpers/oidc-provider';

const ACCOUNTS = {
  robin: { email: 'Robin@Example.com', emailVerified: true },
  outsider: { email: 'robin@elsewhere.io', emailVerified: true },
};

describe.each(testDatabases())('POST /v1/enroll/oidc on $name', (testDb) => {
  let db: Database;
  let provider: TestProvider;
  let app: FastifyInstance;
  let signIn: CompanySignInConfig;
  const tenantId = `oidc-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await testDb.open();
    provider = await startOidcProvider(ACCOUNTS);
    signIn = { issuer: provider.issuer, clientId: CLIENT_ID, tenantId, emailDomains: ['example.com'] };
    ({ app } = await testApp(db, { enrollment: { companySignIn: signIn } }));
  });
  afterAll(async () => {
    await app?.close();
    await provider?.close();
    await db?.close();
    await testDb.cleanup();
  });

  const signInWith = (target: FastifyInstance, flow: object) => target.inject({ method: 'POST', url: '/v1/enroll/oidc', payload: flow });

  it('tells the extension where to sign in, so a policy need only name the backend', async () => {
    const res = await app.inject({ method: 'GET', url: '/v1/enroll' });
    expect(EnrollmentMethods.parse(res.json())).toEqual({
      enrollmentKey: true,
      companySignIn: { issuer: provider.issuer, clientId: CLIENT_ID, authorizationEndpoint: `${provider.issuer}/auth`, scope: 'openid email', codeChallengeMethod: 'S256', emailDomains: ['example.com'] },
    });
  });

  it('turns a company sign-in into a personal agent token whose annotations carry the email', async () => {
    const res = await signInWith(app, await provider.authorize({ account: 'robin' }));
    expect(res.statusCode, res.body).toBe(200);
    const body = EnrollResponse.parse(res.json());
    expect(body).toMatchObject({ tenant: tenantId, agent: 'robin@example.com' });

    const clientId = randomUUID();
    const sync = await app.inject({ method: 'POST', url: '/v1/sync', headers: { authorization: `Bearer ${body.token}` }, payload: { clientId, annotations: [makeAnnotation('adoption', clientId)] } });
    expect(sync.statusCode).toBe(200);
    const { rows } = await db.query<{ agent: string }>('SELECT agent FROM annotations WHERE tenant_id = $1', [tenantId]);
    expect(rows.map((r) => r.agent)).toEqual(['robin@example.com']);
    expect((await listTokens(db, tenantId)).map((t) => t.origin)).toEqual(['oidc']);
    const [granted] = (await listAudit(db, { tenantId, limit: 1 })).events;
    expect(granted).toMatchObject({ action: 'sign_in.granted', actor: `oidc ${provider.issuer}`, agent: 'robin@example.com' });
  });

  it('refuses a replayed code, a code for another application, and an account outside the domains, auditing each', async () => {
    const flow = await provider.authorize({ account: 'robin' });
    expect((await signInWith(app, flow)).statusCode).toBe(200);
    const replay = await signInWith(app, flow);
    expect(replay.statusCode).toBe(401);
    expect(ApiError.parse(replay.json()).error.message).toContain('sign in again');

    expect((await signInWith(app, await provider.authorize({ account: 'robin', clientId: OTHER_CLIENT_ID }))).statusCode).toBe(401);
    const outsider = await signInWith(app, await provider.authorize({ account: 'outsider' }));
    expect(outsider.statusCode).toBe(403);
    const reasons = (await listAudit(db, { tenantId, limit: 3 })).events.map((e) => [e.action, e.reason, e.agent]);
    expect(reasons).toEqual([
      ['sign_in.refused', 'domain_not_allowed', 'robin@elsewhere.io'],
      ['sign_in.refused', 'invalid_grant', null],
      ['sign_in.refused', 'invalid_grant', null],
    ]);
    const bad = await signInWith(app, { callbackUrl: 'https://evil.example/cb?code=x', codeVerifier: 'short', state: 's' });
    expect(bad.statusCode).toBe(400);
    expect(ApiError.parse(bad.json()).error.paths).toEqual(['callbackUrl', 'codeVerifier']);
  });

  it('refuses a deactivated agent, however valid the sign-in', async () => {
    await deactivateAgent(db, { tenantId, agent: 'robin@example.com', actor: 'test' });
    const res = await signInWith(app, await provider.authorize({ account: 'robin' }));
    expect(res.statusCode).toBe(403);
    expect(ApiError.parse(res.json()).error.message).toContain('deactivated');
  });

  it('works as a confidential client with a secret, and answers 503 while the provider is down', async () => {
    const { app: confidential } = await testApp(db, { enrollment: { companySignIn: { ...signIn, clientId: CONFIDENTIAL_CLIENT_ID, clientSecret: CONFIDENTIAL_SECRET, tenantId: `${tenantId}-c` } } });
    const res = await signInWith(confidential, await provider.authorize({ account: 'robin', clientId: CONFIDENTIAL_CLIENT_ID }));
    expect(res.statusCode, res.body).toBe(200);
    await confidential.close();

    const { app: offline } = await testApp(db, { enrollment: { companySignIn: { ...signIn, issuer: 'http://127.0.0.1:9', timeoutMs: 1000 } } });
    const down = await offline.inject({ method: 'GET', url: '/v1/enroll' });
    expect(down.statusCode).toBe(503);
    expect(down.headers['retry-after']).toBeDefined();
    await offline.close();
  });
});
