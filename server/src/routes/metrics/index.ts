import type { FastifyInstance } from 'fastify';
import { MetricsQuery, describeIssues, issuePaths, type AgreementResponse, type MetricsResponse } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { annotationAgreement } from '../../metrics/agreement';
import { flywheelMetrics } from '../../metrics/flywheel';
import { withWinRateIntervals } from '../../metrics/win-rate-intervals';
import type { HelpfulnessJudge } from '../../metrics/helpfulness';
import { HttpError } from '../../plugins/errors';

const DAY = 86_400_000;
/** Default window: the last twelve weeks. */
const DEFAULT_WINDOW = 84 * DAY;
const MAX_WINDOW = 731 * DAY;

/** `GET /v1/metrics?from&to`: the flywheel by week and by arm, for operators. */
export default async function metricsRoutes(app: FastifyInstance, opts: { db: Database; tooFastMs: number; judge?: HelpfulnessJudge | null }) {
  app.get('/v1/metrics', { onRequest: app.requireRole('operator', 'admin') }, async (request): Promise<MetricsResponse> => {
    const { from, to } = metricsWindow(request.query);
    return withWinRateIntervals(await flywheelMetrics(opts.db, request.auth!.tenantId, { from, to, tooFastMs: opts.tooFastMs, judge: opts.judge }));
  });

  /** `GET /v1/metrics/agreement?from&to`: inter-agent agreement (Cohen's kappa) and annotations per agent. */
  app.get('/v1/metrics/agreement', { onRequest: app.requireRole('operator', 'admin') }, async (request): Promise<AgreementResponse> =>
    annotationAgreement(opts.db, request.auth!.tenantId, metricsWindow(request.query)),
  );
}

/** The window of a metrics call: `from` and `to` (ISO date-times), by default the last twelve weeks up to now. */
function metricsWindow(raw: unknown): { from: Date; to: Date } {
  const query = MetricsQuery.safeParse(raw);
  if (!query.success) throw new HttpError(400, 'bad_request', `invalid query: ${describeIssues(query.error)}`, issuePaths(query.error));
  const to = query.data.to ? new Date(query.data.to) : new Date();
  const from = query.data.from ? new Date(query.data.from) : new Date(to.getTime() - DEFAULT_WINDOW);
  if (from >= to) throw new HttpError(400, 'bad_request', 'from must be before to', ['from']);
  if (to.getTime() - from.getTime() > MAX_WINDOW) throw new HttpError(400, 'bad_request', 'the window may span at most two years', ['from']);
  return { from, to };
}
