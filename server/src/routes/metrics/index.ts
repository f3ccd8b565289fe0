import type { FastifyInstance } from 'fastify';
import { MetricsQuery, describeIssues, issuePaths, type MetricsResponse } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { flywheelMetrics } from '../../metrics/flywheel';
import { HttpError } from '../../plugins/errors';

const DAY = 86_400_000;
/** Default window: the last twelve weeks. */
const DEFAULT_WINDOW = 84 * DAY;
const MAX_WINDOW = 731 * DAY;

/** `GET /v1/metrics?from&to`: the flywheel by week and by arm, for operators. */
export default async function metricsRoutes(app: FastifyInstance, opts: { db: Database; tooFastMs: number }) {
  app.get('/v1/metrics', { onRequest: app.requireRole('operator', 'admin') }, async (request): Promise<MetricsResponse> => {
    const query = MetricsQuery.safeParse(request.query);
    if (!query.success) throw new HttpError(400, 'bad_request', `invalid query: ${describeIssues(query.error)}`, issuePaths(query.error));
    const to = query.data.to ? new Date(query.data.to) : new Date();
    const from = query.data.from ? new Date(query.data.from) : new Date(to.getTime() - DEFAULT_WINDOW);
    if (from >= to) throw new HttpError(400, 'bad_request', 'from must be before to', ['from']);
    if (to.getTime() - from.getTime() > MAX_WINDOW) throw new HttpError(400, 'bad_request', 'the window may span at most two years', ['from']);
    return flywheelMetrics(opts.db, request.auth!.tenantId, { from, to, tooFastMs: opts.tooFastMs });
  });
}
