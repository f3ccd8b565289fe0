import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BATCH_MANIFEST, BatchList, BatchManifest, type BatchSummary } from '../../../lib/contract';
import { processAlive } from '../db/data-dir-lock';
import type { BuildProgress } from './build/build-batch';

/** A pull that cannot go on (server answer, checksum); printed without a stack trace. */
export class PullError extends Error {
  override name = 'PullError';
}

export const batchDirName = (n: number) => `batch-${String(n).padStart(4, '0')}`;
const TEMP = /^\.batch-\d+\.tmp-(\d+)-[0-9a-f]+$/;

export interface PullOptions {
  server: string;
  token: string;
  out: string;
  progress?: BuildProgress;
}

export interface PullResult {
  pulled: { number: number; dir: string; summary: BatchSummary }[];
  alreadyThere: number[];
}

/**
 * Downloads every complete batch not yet in `out` through the HTTP API. Each batch is written to
 * a temporary folder, every file checked against the sha256 in the manifest and the response
 * header, and the folder renamed into place last: a batch folder exists only when it is whole.
 * Safe to run from cron, and two runs at once: the second rename loses and is discarded.
 */
export async function pullBatches(opts: PullOptions): Promise<PullResult> {
  const base = opts.server.replace(/\/+$/, '');
  fs.mkdirSync(opts.out, { recursive: true });
  for (const entry of fs.readdirSync(opts.out)) {
    const m = TEMP.exec(entry);
    if (m && !processAlive(Number(m[1]))) fs.rmSync(path.join(opts.out, entry), { recursive: true, force: true });
  }

  const get = async (url: string) => {
    let res: Response;
    try {
      res = await fetch(`${base}${url}`, { headers: { authorization: `Bearer ${opts.token}` } });
    } catch (error) {
      throw new PullError(`cannot reach ${base}: ${(error as Error).cause ?? (error as Error).message}; check --server`);
    }
    if (!res.ok) {
      const body = await res.text();
      let message = body.slice(0, 300);
      try {
        message = JSON.parse(body).error.message;
      } catch {
        // not our error shape
      }
      throw new PullError(`GET ${url} answered ${res.status}: ${message}`);
    }
    return res;
  };

  const list = BatchList.parse(await (await get('/v1/batches')).json());
  const result: PullResult = { pulled: [], alreadyThere: [] };
  for (const batch of list.batches.filter((b) => b.status === 'complete')) {
    const dir = path.join(opts.out, batchDirName(batch.number));
    if (fs.existsSync(path.join(dir, BATCH_MANIFEST))) {
      result.alreadyThere.push(batch.number);
      continue;
    }
    const temp = path.join(opts.out, `.${batchDirName(batch.number)}.tmp-${process.pid}-${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 8)}`);
    fs.mkdirSync(temp);
    try {
      const manifestRes = await get(`/v1/batches/${batch.number}/files/${BATCH_MANIFEST}`);
      const manifestText = await manifestRes.text();
      checkSha(manifestRes, createHash('sha256').update(manifestText).digest('hex'), `batch ${batch.number} ${BATCH_MANIFEST}`);
      const manifest = BatchManifest.parse(JSON.parse(manifestText));
      opts.progress?.phase(`batch ${batch.number}`, manifest.files.reduce((n, f) => n + f.bytes, 0));
      for (const file of manifest.files) {
        const res = await get(`/v1/batches/${batch.number}/files/${file.name}`);
        const hash = createHash('sha256');
        const counter = new Transform({
          transform(chunk: Buffer, _enc, done) {
            hash.update(chunk);
            opts.progress?.advance(chunk.length);
            done(null, chunk);
          },
        });
        const target = path.join(temp, file.name);
        await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), counter, fs.createWriteStream(target));
        const got = hash.digest('hex');
        checkSha(res, got, `batch ${batch.number} ${file.name}`);
        if (got !== file.sha256) throw new PullError(`batch ${batch.number} ${file.name}: sha256 ${got} does not match the manifest's ${file.sha256}; run the pull again`);
        fsyncFile(target);
      }
      fs.writeFileSync(path.join(temp, BATCH_MANIFEST), manifestText);
      fsyncFile(path.join(temp, BATCH_MANIFEST));
      opts.progress?.done();
      try {
        fs.renameSync(temp, dir);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
        fs.rmSync(temp, { recursive: true, force: true }); // another pull finished it first
        result.alreadyThere.push(batch.number);
        continue;
      }
      result.pulled.push({ number: batch.number, dir, summary: batch });
    } catch (error) {
      opts.progress?.done();
      fs.rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  }
  return result;
}

function checkSha(res: Response, got: string, what: string) {
  const header = res.headers.get('x-aitl-sha256');
  if (header && header !== got) throw new PullError(`${what}: received bytes hash to ${got}, the server announced ${header}; run the pull again`);
}

function fsyncFile(file: string) {
  const fd = fs.openSync(file, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
