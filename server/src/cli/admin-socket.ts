import fs from 'node:fs';
import http from 'node:http';
import Fastify from 'fastify';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { adminSocketPath } from '../db/data-dir-lock';
import { AccessError } from '../auth/errors';
import { GapResolveError } from '../gaps/resolve';
import { OperationError } from './operation-error';
import { isOperationName, operations } from './operations';

interface SocketReply {
  output?: string;
  error?: string;
}

/**
 * A Unix socket inside the data folder (owner-only, like the database files) through which CLI
 * commands run against the embedded database while `aitl serve` holds it.
 */
export async function startAdminSocket(config: Config, db: Database) {
  const socketPath = adminSocketPath(config.dataDir);
  fs.rmSync(socketPath, { force: true }); // left behind by a killed server
  const app = Fastify({ logger: false });
  app.post<{ Params: { name: string }; Body: { args?: unknown } }>('/operations/:name', async (request, reply): Promise<SocketReply> => {
    const { name } = request.params;
    if (!isOperationName(name)) return reply.code(404).send({ error: `unknown operation ${name}` });
    try {
      const run = operations[name] as (ctx: { db: Database; config: Config }, args: unknown) => Promise<string>;
      return { output: await run({ db, config }, request.body?.args ?? {}) };
    } catch (error) {
      if (error instanceof OperationError || error instanceof AccessError || error instanceof GapResolveError) return reply.code(400).send({ error: error.message });
      request.log?.error?.(error);
      return reply.code(500).send({ error: `the server failed to run ${name}: ${(error as Error).message}` });
    }
  });
  await app.listen({ path: socketPath });
  fs.chmodSync(socketPath, 0o600);
  return { close: () => app.close() };
}

/** Runs an operation inside the server that holds the data folder. */
export function runThroughSocket(socketPath: string, name: string, args: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ args });
    const req = http.request(
      { socketPath, path: `/operations/${encodeURIComponent(name)}`, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let reply: SocketReply;
          try {
            reply = JSON.parse(text);
          } catch {
            return reject(new OperationError(`the running server answered ${res.statusCode} with something unreadable`));
          }
          if (reply.error !== undefined) reject(new OperationError(reply.error));
          else resolve(reply.output ?? '');
        });
      },
    );
    req.on('error', (error) =>
      reject(new OperationError(`the embedded database is held by a running aitl serve, but its admin socket ${socketPath} does not answer (${error.message}); wait until it has started, or stop it`)),
    );
    req.end(body);
  });
}
