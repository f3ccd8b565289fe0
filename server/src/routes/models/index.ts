import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { LabelledTicket } from '../../../../lib/contract';
import type { Database } from '../../db/database';
import type { ModelServing } from '../../models/serving';
import { listModelVersions, NothingToRollBackError, promote, promotionHistory, rollback, servingVersions, UnknownModelVersionError } from '../../models/store';
import { startTurn } from '../../models/turn';
import { getTurn, listTurns, TurnBusyError } from '../../models/turn-lease';
import { HttpError } from '../../plugins/errors';
import { parseInput } from '../admin/admin-request';

const RetrainBody = z
  .strictObject({
    tickets: z.array(LabelledTicket).max(5_000).optional(),
    minEvalTickets: z.int().min(1).max(100_000).optional(),
    minGain: z.number().min(0).max(1).optional(),
    maxLoss: z.number().min(0).max(1).optional(),
  })
  .default({});
const PromoteBody = z.strictObject({ version: z.string().min(1).max(64), reason: z.string().max(500).optional() });
const RollbackBody = z.strictObject({ reason: z.string().max(500).optional() }).default({});

/**
 * `/v1/models`: operators run a turn of the flywheel (202 + poll, one per tenant at a time), see
 * the versions and their history, promote and roll back. The CLI calls the same functions.
 */
export default async function modelRoutes(app: FastifyInstance, opts: { db: Database; serving: ModelServing; arms: readonly { id: string }[] }) {
  const { db, serving, arms } = opts;
  const operator = app.requireRole('operator');
  const running = new Set<Promise<unknown>>();
  app.addHook('onClose', async () => {
    await Promise.allSettled(running);
  });

  app.get('/v1/models', { onRequest: operator }, async (request) => {
    const tenantId = request.auth!.tenantId;
    const [versions, promotions, now, turns] = await Promise.all([listModelVersions(db, tenantId), promotionHistory(db, tenantId), servingVersions(db, tenantId), listTurns(db, tenantId)]);
    return { serving: { ...serving.defaults, ...now }, versions: versions.filter((v) => !(v.trainedOn as { crossFit?: boolean }).crossFit), promotions, turns };
  });

  app.post('/v1/models/retrain', { onRequest: operator }, async (request, reply) => {
    const tenantId = request.auth!.tenantId;
    const body = parseInput(RetrainBody, request.body, 'retrain request');
    const gate = {
      ...(body.minEvalTickets !== undefined && { minEvalTickets: body.minEvalTickets }),
      ...(body.minGain !== undefined && { minGain: body.minGain }),
      ...(body.maxLoss !== undefined && { maxLoss: body.maxLoss }),
    };
    let turn;
    try {
      turn = await startTurn(db, tenantId, serving, { requestedBy: `token:${request.auth!.name}`, tickets: body.tickets, gate, arms });
    } catch (error) {
      if (error instanceof TurnBusyError) throw new HttpError(409, 'conflict', error.message);
      throw error;
    }
    const log = request.log.child({ tenant: tenantId, turn: turn.number });
    const settled = turn.finished.then(
      (r) => log.info({ promoted: r.promoted, reason: r.reason }, 'model turn finished'),
      (error) => log.error({ err: error }, 'model turn failed'),
    );
    running.add(settled);
    void settled.finally(() => running.delete(settled));
    reply.code(202).header('location', `/v1/models/turns/${turn.number}`);
    return { turn: turn.number, status: 'running' };
  });

  app.get<{ Params: { n: string } }>('/v1/models/turns/:n', { onRequest: operator }, async (request) => {
    if (!/^[1-9]\d{0,8}$/.test(request.params.n)) throw new HttpError(400, 'bad_request', 'a turn is a number (1, 2, ...)', ['n']);
    const turn = await getTurn(db, request.auth!.tenantId, Number(request.params.n));
    if (!turn) throw new HttpError(404, 'not_found', `no turn ${request.params.n} in this tenant; see GET /v1/models`);
    return turn;
  });

  app.post('/v1/models/promote', { onRequest: operator }, async (request) => {
    const tenantId = request.auth!.tenantId;
    const body = parseInput(PromoteBody, request.body, 'promotion');
    try {
      const row = await promote(db, tenantId, body.version, { actor: `token:${request.auth!.name}`, reason: body.reason ?? 'promoted by hand' });
      serving.invalidate(tenantId);
      return { promotion: row };
    } catch (error) {
      if (error instanceof UnknownModelVersionError) throw new HttpError(404, 'not_found', error.message);
      throw error;
    }
  });

  app.post('/v1/models/rollback', { onRequest: operator }, async (request) => {
    const tenantId = request.auth!.tenantId;
    const body = parseInput(RollbackBody, request.body, 'rollback');
    try {
      const rows = await rollback(db, tenantId, { actor: `token:${request.auth!.name}`, reason: body.reason ?? 'rolled back by hand' }, serving.defaults, ['retriever', 'reranker']);
      serving.invalidate(tenantId);
      return { promotions: rows };
    } catch (error) {
      if (error instanceof NothingToRollBackError) throw new HttpError(409, 'conflict', error.message);
      throw error;
    }
  });
}
