import type { FastifyInstance } from 'fastify';
import { AuditQuery, type AuditList } from '../../../../lib/contract';
import { listAudit } from '../../auth/audit';
import type { Database } from '../../db/database';
import { parseInput } from './admin-request';

/** `GET /v1/admin/audit?limit&before`: the tenant's access events, newest first. */
export default async function auditRoutes(app: FastifyInstance, { db }: { db: Database }) {
  app.get('/v1/admin/audit', async (request): Promise<AuditList> => {
    const query = parseInput(AuditQuery, request.query, 'query');
    return listAudit(db, { tenantId: request.auth!.tenantId, limit: query.limit, before: query.before });
  });
}
