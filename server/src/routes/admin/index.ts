import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database';
import agentRoutes from './agents';
import auditRoutes from './audit';
import enrollmentKeyRoutes from './enrollment-keys';
import tokenRoutes from './tokens';

/**
 * `/v1/admin/...`: an admin token manages its own tenant's tokens, enrollment keys and agents, and
 * reads its audit trail. Everything is scoped to the token's tenant: another tenant's rows are
 * never listed and, by id, are "not found". The CLI runs the same functions.
 */
export default async function adminRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.addHook('onRequest', app.requireRole('admin'));
  await app.register(tokenRoutes, opts);
  await app.register(enrollmentKeyRoutes, opts);
  await app.register(agentRoutes, opts);
  await app.register(auditRoutes, opts);
}
