import type { FastifyInstance } from 'fastify';
import { v7 as uuidv7 } from 'uuid';
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import type { Annotation, AnnotationCapture } from '../../lib/contract';
import { OverlayDb } from '../../lib/outbox/db';
import type { Database } from '../../server/src/db/database';
import { makeAnnotation } from '../../server/test/helpers/annotations';
import { testApp, tokenFor } from '../../server/test/helpers/app';
import type { TestDatabase } from '../../server/test/helpers/databases';

/** The extension's outbox (in fake IndexedDB) and a real backend listening on a port, as one sync test needs them. */
export interface OutboxBackend {
  serverDb: Database;
  app: FastifyInstance;
  backendUrl: string;
  /** A fresh outbox per test. */
  db: OverlayDb;
  /** A fresh agent of a fresh tenant per test. */
  token: string;
  tenantId: string;
  clientId: string;
}

/** Registers the hooks of a describe block: one backend per block, one outbox and agent per test. */
export function useOutboxBackend(testDb: TestDatabase): OutboxBackend {
  const env = { clientId: crypto.randomUUID() } as OutboxBackend;
  beforeAll(async () => {
    env.serverDb = await testDb.open();
    ({ app: env.app } = await testApp(env.serverDb));
    env.backendUrl = await env.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await env.app?.close();
    await env.serverDb?.close();
    await testDb.cleanup();
  });
  beforeEach(async () => {
    env.db = new OverlayDb(`aitl-test-${crypto.randomUUID()}`);
    ({ token: env.token, tenantId: env.tenantId } = await tokenFor(env.serverDb, 'agent'));
  });
  afterEach(async () => {
    env.db.close();
    await env.db.delete();
  });
  return env;
}

/** A captured annotation as the content script sends it (the background adds the clientId). */
export function capture(type: Annotation['type'] = 'relevance'): AnnotationCapture {
  const { clientId: _omit, ...rest } = makeAnnotation(type, crypto.randomUUID(), { id: uuidv7() } as Partial<Annotation>);
  return rest as AnnotationCapture;
}
