import type { FastifyInstance } from 'fastify';
import { TokenCreateRequest, type TokenCreated, type TokenInfo, type TokenList } from '../../../../lib/contract';
import { createToken, findToken, listTokens, revokeToken } from '../../auth/tokens';
import type { Database } from '../../db/database';
import { accessFailure, adminActor, notFound, parseInput } from './admin-request';

/** `/v1/admin/tokens`: list, create (shown once) and revoke the tenant's tokens. */
export default async function tokenRoutes(app: FastifyInstance, { db }: { db: Database }) {
  app.get('/v1/admin/tokens', async (request): Promise<TokenList> => ({ tokens: await listTokens(db, request.auth!.tenantId) }));

  app.post('/v1/admin/tokens', async (request, reply): Promise<TokenCreated> => {
    const body = parseInput(TokenCreateRequest, request.body, 'token');
    const by = adminActor(request);
    try {
      const created = await createToken(db, { tenantId: by.tenantId, role: body.role, name: body.name, actor: by.actor, origin: by.origin });
      const info = (await findToken(db, created.id, by.tenantId))!;
      reply.code(201);
      return { token: created.token, info };
    } catch (error) {
      throw accessFailure(error);
    }
  });

  app.post<{ Params: { id: string } }>('/v1/admin/tokens/:id/revoke', async (request): Promise<TokenInfo> => {
    const revoked = await revokeToken(db, request.params.id, adminActor(request));
    if (!revoked) throw notFound('token', request.params.id);
    return revoked;
  });
}
