import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions } from '../../src/app';
import { createToken, type Role } from '../../src/auth/tokens';
import type { Config, EnrollmentConfig, LoadConfig } from '../../src/config';
import type { Database } from '../../src/db/database';

export const TEST_CONFIG: Pick<Config, 'bodyLimit' | 'rateLimitPerMinute' | 'logLevel' | 'trustProxy' | 'tooFastMs' | 'batchLeaseSeconds'> = {
  bodyLimit: 4 * 1024 * 1024,
  rateLimitPerMinute: 10_000,
  logLevel: 'info',
  trustProxy: false,
  batchLeaseSeconds: 120,
  tooFastMs: 3000,
};

/** An app on `db` whose log lines are collected in `logs`. */
export async function testApp(
  db: Database,
  config: Partial<typeof TEST_CONFIG> & { enrollment?: Partial<EnrollmentConfig>; load?: Partial<LoadConfig>; rateLimitRedisUrl?: string; judge?: AppOptions['config']['judge'] } = {},
): Promise<{ app: FastifyInstance; logs: string[] }> {
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  // Enrolment budgets as generous as the request budget, unless a test is about them.
  const enrollment = { perMinute: 10_000, perAddressPerHour: 10_000, failuresPerQuarterHour: 10_000, ...config.enrollment };
  // No load shedding unless a test is about it: a busy CI machine must not turn a test's burst of
  // requests into 503s.
  const load = { suggestionsConcurrency: 1000, syncConcurrency: 1000, maxEventLoopDelayMs: 0, ...config.load };
  const app = await buildApp({ config: { ...TEST_CONFIG, ...config, enrollment, load }, db, logStream });
  await app.ready();
  return { app, logs };
}

let counter = 0;
/** A token in its own tenant unless one is given, so tests never see each other's rows. */
export async function tokenFor(db: Database, role: Role, opts: { tenant?: string; name?: string } = {}) {
  const tenantId = opts.tenant ?? `t${process.pid}-${++counter}-${Math.random().toString(36).slice(2, 8)}`;
  const { token, id } = await createToken(db, { tenantId, role, name: opts.name ?? `${role}-${counter}` });
  return { token, id, tenantId, headers: { authorization: `Bearer ${token}` } };
}
