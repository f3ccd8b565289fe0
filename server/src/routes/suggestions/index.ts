import type { FastifyInstance } from 'fastify';
import { SuggestionRequest, describeIssues, issuePaths, type Impression, type ImpressionRecord } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import type { ConcurrencyCap } from '../../plugins/concurrency-cap';
import { HttpError } from '../../plugins/errors';
import { loadImpression, loadImpressionRecord } from '../../suggestions/impressions';
import { suggest, type SuggestionEngine, type SuggestionStages } from '../../suggestions/suggest';

/**
 * `POST /v1/suggestions`: ticket context in, impression out (agents).
 * `GET /v1/suggestions/:id`: an impression again, as the agent saw it (agents, operators).
 * `GET /v1/suggestions/:id/record`: everything stored with it (operators).
 */
export default async function suggestionRoutes(app: FastifyInstance, opts: { db: Database; engine: SuggestionEngine; cap?: ConcurrencyCap }) {
  const { db, engine } = opts;

  app.post('/v1/suggestions', { onRequest: opts.cap ? [opts.cap.early, app.requireRole('agent')] : app.requireRole('agent'), ...(opts.cap && { preValidation: opts.cap }) }, async (request): Promise<Impression> => {
    const parsed = SuggestionRequest.safeParse(request.body);
    if (!parsed.success) {
      throw new HttpError(400, 'bad_request', `invalid suggestion request: ${describeIssues(parsed.error)}`, issuePaths(parsed.error));
    }
    const stages: Partial<SuggestionStages> = {};
    const impression = await suggest(db, engine, request.auth!, parsed.data, stages);
    request.log.info(
      {
        tenant: request.auth!.tenantId,
        impression: impression.id,
        articles: impression.articles.length,
        arms: impression.arms.map((a) => `${a.armId}:${a.latencyMs}ms`),
        degraded: impression.degraded.length,
        stagesMs: stages,
      },
      'suggestion',
    );
    return impression;
  });

  app.get<{ Params: { id: string } }>('/v1/suggestions/:id', { onRequest: app.requireRole('agent', 'operator') }, async (request): Promise<Impression> => {
    const impression = await loadImpression(db, request.auth!.tenantId, request.params.id);
    if (!impression) throw new HttpError(404, 'not_found', `no suggestion ${request.params.id} in this tenant`);
    return impression;
  });

  app.get<{ Params: { id: string } }>('/v1/suggestions/:id/record', { onRequest: app.requireRole('operator') }, async (request): Promise<ImpressionRecord> => {
    const record = await loadImpressionRecord(db, request.auth!.tenantId, request.params.id);
    if (!record) throw new HttpError(404, 'not_found', `no suggestion ${request.params.id} in this tenant`);
    return record;
  });
}
