import type { FastifyInstance } from 'fastify';
import { GapResolveRequest, describeIssues, issuePaths, type GapClusterList, type GapResolveResponse, type KnowledgeGapList } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import { clusterGaps, parseGapSimilarity } from '../../gaps/clusters';
import { listGaps } from '../../gaps/list';
import { GapResolveError, resolveGap } from '../../gaps/resolve';
import { HttpError } from '../../plugins/errors';

const STATUS: Record<GapResolveError['reason'], [number, 'not_found' | 'conflict' | 'bad_request']> = {
  unknown_gap: [404, 'not_found'],
  unknown_article: [404, 'not_found'],
  retired_article: [409, 'conflict'],
  ambiguous_article: [400, 'bad_request'],
  closed_by_other: [409, 'conflict'],
};

function similarityOf(raw: string | undefined): number {
  try {
    return parseGapSimilarity(raw);
  } catch (error) {
    throw new HttpError(400, 'bad_request', (error as Error).message, ['similarity']);
  }
}

function gapNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new HttpError(400, 'bad_request', `gap must be a gap number (1, 2, ...), got "${raw.slice(0, 40)}"`, ['number']);
  return Number(raw);
}

/**
 * `/v1/gaps`: operators (and admins) read their tenant's knowledge-gap queue and close a gap with
 * the article that answers it. `aitl gaps` runs the same functions.
 */
export default async function gapRoutes(app: FastifyInstance, opts: { db: Database }) {
  const { db } = opts;
  const operator = app.requireRole('operator', 'admin');

  app.get<{ Querystring: { open?: string } }>('/v1/gaps', { onRequest: operator }, async (request): Promise<KnowledgeGapList> => {
    const open = request.query.open;
    if (open !== undefined && !['0', '1', 'true', 'false'].includes(open)) {
      throw new HttpError(400, 'bad_request', `open must be 1 (only open gaps) or 0, got "${String(open).slice(0, 20)}"`, ['open']);
    }
    return { gaps: await listGaps(db, request.auth!.tenantId, { open: open === '1' || open === 'true' }) };
  });

  // Clustered like a batch's knowledge_gaps.jsonl; every gap of the tenant, open and closed, so a
  // cluster shows the article that already closed some of its reports.
  app.get<{ Querystring: { similarity?: string } }>('/v1/gaps/clusters', { onRequest: operator }, async (request): Promise<GapClusterList> => {
    const similarity = similarityOf(request.query.similarity);
    return { similarity, clusters: clusterGaps(await listGaps(db, request.auth!.tenantId), similarity) };
  });

  app.post<{ Params: { number: string } }>('/v1/gaps/:number/resolve', { onRequest: operator }, async (request): Promise<GapResolveResponse> => {
    const number = gapNumber(request.params.number);
    const body = GapResolveRequest.safeParse(request.body ?? {});
    if (!body.success) throw new HttpError(400, 'bad_request', `invalid resolve request: ${describeIssues(body.error)}`, issuePaths(body.error));
    const { tenantId, name } = request.auth!;
    try {
      const resolved = await resolveGap(db, tenantId, number, body.data.externalId, name, { source: body.data.source });
      request.log.info({ tenant: tenantId, gap: number, article: resolved.externalId, changed: resolved.changed }, 'gap resolved');
      const [gap] = await listGaps(db, tenantId, { number });
      return { gap: gap!, changed: resolved.changed };
    } catch (error) {
      if (error instanceof GapResolveError) {
        const [status, code] = STATUS[error.reason];
        throw new HttpError(status, code, error.message, error.reason === 'unknown_gap' ? ['number'] : ['externalId']);
      }
      throw error;
    }
  });
}
