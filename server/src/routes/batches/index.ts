import os from 'node:os';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { BATCH_MANIFEST, BatchFileName, type BatchDetail, type BatchList, type BatchSummary } from '../../../../lib/contract';
import { BatchSpecError, startBatchBuild } from '../../batches/build/build-batch';
import { readBatchFile } from '../../batches/files';
import { BatchBuildBusyError } from '../../batches/lease';
import { batchFile, getBatch, listBatches } from '../../batches/store';
import type { Database } from '../../db/database';
import { HttpError } from '../../plugins/errors';

function batchNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw new HttpError(400, 'bad_request', `batch id must be a batch number (1, 2, ...), got "${raw.slice(0, 40)}"`, ['id']);
  return Number(raw);
}

/**
 * `/v1/batches`: operators build, list and download retraining batches of their own tenant.
 * A build runs in the background of the replica that accepted it; any replica serves the files.
 */
export default async function batchRoutes(app: FastifyInstance, opts: { db: Database; leaseSeconds: number; redactionThreads?: number | undefined }) {
  const { db } = opts;
  const operator = app.requireRole('operator');
  const running = new Map<AbortController, Promise<unknown>>();

  // A server shutting down stops its builds; each throws its half-built batch away.
  app.addHook('onClose', async () => {
    for (const controller of running.keys()) controller.abort();
    await Promise.allSettled(running.values());
  });

  app.get('/v1/batches', { onRequest: operator }, async (request): Promise<z.infer<typeof BatchList>> => {
    return { batches: await listBatches(db, request.auth!.tenantId) };
  });

  app.post('/v1/batches', { onRequest: operator }, async (request, reply) => {
    const tenantId = request.auth!.tenantId;
    const controller = new AbortController();
    let build;
    try {
      build = await startBatchBuild(db, tenantId, request.body ?? {}, {
        holder: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
        leaseSeconds: opts.leaseSeconds,
        signal: controller.signal,
        ...(opts.redactionThreads !== undefined && { redactionThreads: opts.redactionThreads }),
      });
    } catch (error) {
      if (error instanceof BatchSpecError) throw new HttpError(400, 'bad_request', error.message, error.paths);
      if (error instanceof BatchBuildBusyError) throw new HttpError(409, 'conflict', error.message);
      throw error;
    }
    const log = request.log.child({ tenant: tenantId, batch: build.number });
    const settled = build.finished.then(
      (manifest) => log.info({ files: manifest.files.map((f) => `${f.name}:${f.rows}`).join(' '), warnings: manifest.warnings.length }, 'batch built'),
      (error) => log.error({ err: error }, 'batch build failed'),
    );
    running.set(controller, settled);
    void settled.finally(() => running.delete(controller));
    const detail = await getBatch(db, tenantId, build.number);
    reply.code(202).header('location', `/v1/batches/${build.number}`);
    return { batch: detail?.summary ?? null, manifest: null };
  });

  app.get<{ Params: { id: string } }>('/v1/batches/:id', { onRequest: operator }, async (request): Promise<z.infer<typeof BatchDetail>> => {
    const number = batchNumber(request.params.id);
    const found = await getBatch(db, request.auth!.tenantId, number);
    if (!found) throw new HttpError(404, 'not_found', `no batch ${number} in this tenant; see GET /v1/batches`);
    return { batch: found.summary satisfies BatchSummary, manifest: found.manifest };
  });

  app.get<{ Params: { id: string; name: string } }>('/v1/batches/:id/files/:name', { onRequest: operator }, async (request, reply) => {
    const number = batchNumber(request.params.id);
    const name = BatchFileName.safeParse(request.params.name);
    if (!name.success) throw new HttpError(404, 'not_found', `no batch file "${request.params.name.slice(0, 60)}"; files are ${BatchFileName.options.join(', ')}`);
    const tenantId = request.auth!.tenantId;
    const file = await batchFile(db, tenantId, number, name.data);
    if (!file) throw new HttpError(404, 'not_found', `batch ${number} is not complete or does not exist in this tenant; see GET /v1/batches`);
    reply
      .header('content-type', name.data === BATCH_MANIFEST ? 'application/json; charset=utf-8' : 'application/jsonl; charset=utf-8')
      .header('content-length', String(file.bytes))
      .header('x-aitl-sha256', file.sha256)
      .header('etag', `"${file.sha256}"`)
      .header('cache-control', 'private, max-age=31536000, immutable');
    if (file.text !== undefined) return reply.send(file.text);
    return reply.send(Readable.from(readBatchFile(db, tenantId, number, name.data, file.chunks)));
  });
}
