import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SyncRequestEnvelope, describeIssues, issuePaths, type SyncResponse } from '../../../../lib/contract';
import { storeAdapterHealth } from '../../adapter-health/store';
import { ClientOwnershipError, storeAnnotations } from '../../annotations/store';
import type { Database } from '../../db/database';
import type { ConcurrencyCap } from '../../plugins/concurrency-cap';
import { HttpError } from '../../plugins/errors';

/** `POST /v1/sync`: an agent's extension delivers up to 500 annotations from its outbox, and its adapter health counts. */
export default async function syncRoutes(app: FastifyInstance, opts: { db: Database; cap?: ConcurrencyCap }) {
  // The body as it came, beside the parse (Fastify's own, with its guards): the annotations are
  // stored from this text, so none is encoded again to be sent to the database.
  const bodyText = new WeakMap<FastifyRequest, string>();
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    bodyText.set(request, body as string);
    parseJson(request, body as string, done);
  });
  app.post('/v1/sync', { onRequest: opts.cap ? [opts.cap.early, app.requireRole('agent')] : app.requireRole('agent'), ...(opts.cap && { preValidation: opts.cap }) }, async (request): Promise<SyncResponse> => {
    const envelope = SyncRequestEnvelope.safeParse(request.body);
    if (!envelope.success) {
      throw new HttpError(400, 'bad_request', `invalid sync request: ${describeIssues(envelope.error)}`, issuePaths(envelope.error));
    }
    try {
      const results = await storeAnnotations(opts.db, request.auth!, envelope.data.clientId, envelope.data.annotations, bodyText.get(request));
      const counts = results.reduce<Record<string, number>>((acc, r) => ((acc[r.status] = (acc[r.status] ?? 0) + 1), acc), {});
      // After the annotations (which also settle who owns the clientId); a malformed report is
      // answered `rejected` beside the annotations' own results, never a 400 that would lose them.
      const { adapterHealth: report } = envelope.data;
      const adapterHealth = report === undefined ? undefined : await storeAdapterHealth(opts.db, request.auth!, envelope.data.clientId, report);
      request.log.info({ tenant: request.auth!.tenantId, ...counts, ...(adapterHealth && { adapterHealth: adapterHealth.status }) }, 'sync');
      return adapterHealth ? { results, adapterHealth } : { results };
    } catch (error) {
      if (error instanceof ClientOwnershipError) throw new HttpError(403, 'forbidden', error.message);
      throw error;
    }
  });
}
