import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { BATCH_DATA_FILES, BatchManifest } from '../../../lib/contract';
import type { ArticleRef, Flywheel } from './flywheel';

/** Build options of a builder that is not a server replica. */
export const OPTS = { holder: 'test-builder', leaseSeconds: 60 };

export type Files = Record<string, Record<string, unknown>[]>;

/** Every file of batch `number` over the HTTP API, each checked against its sha256 header, parsed and raw. */
export async function batchFiles(app: FastifyInstance, headers: Record<string, string>, number: number): Promise<{ files: Files; manifest: BatchManifest; raw: Record<string, string> }> {
  const out: Files = {};
  const raw: Record<string, string> = {};
  for (const name of BATCH_DATA_FILES) {
    const res = await app.inject({ method: 'GET', url: `/v1/batches/${number}/files/${name}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['x-aitl-sha256']).toBe(createHash('sha256').update(res.rawPayload).digest('hex'));
    raw[name] = res.body;
    out[name] = res.body === '' ? [] : res.body.trimEnd().split('\n').map((l) => JSON.parse(l));
  }
  const m = await app.inject({ method: 'GET', url: `/v1/batches/${number}/files/manifest.json`, headers });
  return { files: out, manifest: BatchManifest.parse(m.json()), raw };
}

/** A ticket seen by both arms, grounded on `articles`. */
export async function twoArmTicket(fw: Flywheel, n: number, articles: ArticleRef[], customer = `My invoice ${n} shows a double charge, please help.`) {
  return fw.impression({
    ticketId: `T${n}`,
    customer,
    arms: { A: `Reply A for ticket ${n}: we refunded the duplicate charge on invoice ${n}.`, B: `Reply B for ticket ${n}: the second charge is a pending authorisation.` },
    articles,
  });
}
