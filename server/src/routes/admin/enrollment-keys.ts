import type { FastifyInstance } from 'fastify';
import { EnrollmentKeyCreateRequest, type EnrollmentKeyCreated, type EnrollmentKeyInfo, type EnrollmentKeyList } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { createEnrollmentKey, listEnrollmentKeys, revokeEnrollmentKey } from '../../enrollment/keys';
import { accessFailure, adminActor, notFound, parseInput } from './admin-request';

/** `/v1/admin/enrollment-keys`: list, create (shown once) and revoke the tenant's enrollment keys. */
export default async function enrollmentKeyRoutes(app: FastifyInstance, { db }: { db: Database }) {
  app.get('/v1/admin/enrollment-keys', async (request): Promise<EnrollmentKeyList> => ({ enrollmentKeys: await listEnrollmentKeys(db, request.auth!.tenantId) }));

  app.post('/v1/admin/enrollment-keys', async (request, reply): Promise<EnrollmentKeyCreated> => {
    const body = parseInput(EnrollmentKeyCreateRequest, request.body, 'enrollment key');
    try {
      const created = await createEnrollmentKey(db, { ...adminActor(request), request: body });
      reply.code(201);
      return { enrollmentKey: created.enrollmentKey, info: created.info };
    } catch (error) {
      throw accessFailure(error);
    }
  });

  app.post<{ Params: { id: string } }>('/v1/admin/enrollment-keys/:id/revoke', async (request): Promise<EnrollmentKeyInfo> => {
    const revoked = await revokeEnrollmentKey(db, request.params.id, adminActor(request));
    if (!revoked) throw notFound('enrollment key', request.params.id);
    return revoked;
  });
}
