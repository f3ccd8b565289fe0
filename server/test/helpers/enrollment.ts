import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../src/db/database';
import { createEnrollmentKey } from '../../src/enrollment/keys';

let counter = 0;

/** An enrollment key in a tenant of its own unless one is given. */
export async function enrollmentKeyFor(db: Database, opts: { tenant?: string; emailDomains?: string[]; expiresIn?: string; name?: string } = {}) {
  const tenantId = opts.tenant ?? `e${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;
  const { emailDomains = ['example.com'], expiresIn, name } = opts;
  const created = await createEnrollmentKey(db, { tenantId, request: { emailDomains, ...(expiresIn && { expiresIn }), ...(name && { name }) }, actor: 'test' });
  return { ...created, tenantId };
}

/** A well-formed key that no tenant has. */
export const unknownEnrollmentKey = () => `aitl_enroll_${randomBytes(32).toString('hex')}`;

export function enroll(app: FastifyInstance, body: unknown, opts: { ip?: string; userAgent?: string } = {}) {
  return app.inject({
    method: 'POST',
    url: '/v1/enroll',
    payload: body as object,
    headers: { 'user-agent': opts.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140 test' },
    ...(opts.ip && { remoteAddress: opts.ip }),
  });
}
