import type { FastifyInstance } from 'fastify';
import type { Health } from '../../../lib/contract';
import type { Database } from '../db/database';
import { VERSION } from '../version';

/** `GET /healthz`: is the server up and can it reach its database. 503 when it cannot. */
export default async function healthRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get('/healthz', { config: { rateLimit: false } }, async (_request, reply): Promise<Health> => {
    let ok = true;
    try {
      await opts.db.query('SELECT 1');
    } catch {
      ok = false;
      reply.code(503);
    }
    return { ok, db: opts.db.kind, version: VERSION };
  });
}
