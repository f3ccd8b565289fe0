import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { listAudit } from '../../src/auth/audit';
import type { Database } from '../../src/db/database';
import { testApp } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { enroll, enrollmentKeyFor, unknownEnrollmentKey } from '../helpers/enrollment';

const LIMITS = { perMinute: 4, perAddressPerHour: 2, failuresPerQuarterHour: 3 };

describe.each(testDatabases())('POST /v1/enroll throttling on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;

  beforeAll(async () => {
    db = await testDb.open();
  });
  // Counters live in the app's memory: a fresh app per case starts them at zero.
  afterEach(async () => {
    await app?.close();
  });
  afterAll(async () => {
    await db?.close();
    await testDb.cleanup();
  });

  const fresh = async () => ({ app } = await testApp(db, { enrollment: LIMITS }));
  const throttled = async (tenantId: string | null) =>
    (await listAudit(db, { ...(tenantId && { tenantId }), limit: 100 })).events.filter((e) => e.action === 'enrollment.throttled' && (tenantId !== null || e.tenantId === null));

  it('locks a client out after its refused attempts, before looking at any key, and audits that once', async () => {
    await fresh();
    const key = await enrollmentKeyFor(db);
    const ip = '198.51.100.20';
    for (let i = 0; i < LIMITS.failuresPerQuarterHour; i++) {
      expect((await enroll(app, { enrollmentKey: unknownEnrollmentKey(), email: 'x@example.com', platform: 'zendesk' }, { ip })).statusCode).toBe(401);
    }
    // Even the right key is refused now: guessing keys from this address gets nowhere.
    for (let i = 0; i < 2; i++) {
      const res = await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'x@example.com', platform: 'zendesk' }, { ip });
      expect(res.statusCode).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    }
    expect((await throttled(null)).filter((e) => e.ip === ip).map((e) => e.reason)).toEqual(['too_many_failures']);
    // Another client with the key is not affected.
    expect((await enroll(app, { enrollmentKey: key.enrollmentKey, email: 'x@example.com', platform: 'zendesk' }, { ip: '198.51.100.21' })).statusCode).toBe(200);
  });

  it('limits enrolments per email address, whatever the client', async () => {
    await fresh();
    const key = await enrollmentKeyFor(db);
    const body = { enrollmentKey: key.enrollmentKey, email: 'many@example.com', platform: 'zendesk' };
    for (let i = 0; i < LIMITS.perAddressPerHour; i++) expect((await enroll(app, body, { ip: `192.0.2.${i + 1}` })).statusCode).toBe(200);
    expect((await enroll(app, body, { ip: '192.0.2.99' })).statusCode).toBe(429);
    expect((await enroll(app, { ...body, email: 'other@example.com' }, { ip: '192.0.2.99' })).statusCode).toBe(200);
    expect((await throttled(key.tenantId)).map((e) => [e.reason, e.agent])).toEqual([['address_rate', 'many@example.com']]);
  });

  it('limits requests per key across clients, and per client across keys', async () => {
    await fresh();
    const key = await enrollmentKeyFor(db);
    const statuses = [];
    for (let i = 0; i <= LIMITS.perMinute; i++) {
      statuses.push((await enroll(app, { enrollmentKey: key.enrollmentKey, email: `k${i}@example.com`, platform: 'zendesk' }, { ip: `192.0.2.${i + 10}` })).statusCode);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await throttled(key.tenantId)).map((e) => e.reason)).toEqual(['key_rate']);

    const ip = '192.0.2.50';
    const perClient = [];
    for (let i = 0; i <= LIMITS.perMinute; i++) {
      const other = await enrollmentKeyFor(db);
      perClient.push((await enroll(app, { enrollmentKey: other.enrollmentKey, email: `c${i}@example.com`, platform: 'zendesk' }, { ip })).statusCode);
    }
    expect(perClient).toEqual([200, 200, 200, 200, 429]);
  });
});
