import type { FastifyInstance } from 'fastify';
import { ROLES, type TokenOwner } from '../../../lib/contract';

/** `GET /v1/whoami`: whose the bearer token is (tenant, role, name); 401 for none or a revoked one. */
export default async function whoamiRoutes(app: FastifyInstance) {
  app.get('/v1/whoami', { onRequest: app.requireRole(...ROLES) }, async (request): Promise<TokenOwner> => {
    const auth = request.auth!;
    return { tenant: auth.tenantId, role: auth.role, name: auth.name };
  });
}
