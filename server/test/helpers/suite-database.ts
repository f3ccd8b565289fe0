import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import type { Database } from '../../src/db/database';
import { testApp } from './app';
import type { TestDatabase } from './databases';

/**
 * Inside a `describe.each(testDatabases())`: opens the database before the suite's first test and
 * closes (and, on Postgres, drops) it after its last. Read `suite.db` inside tests and hooks.
 */
export function suiteDatabase(testDb: TestDatabase): { db: Database } {
  const suite = {} as { db: Database };
  beforeAll(async () => {
    suite.db = await testDb.open();
  });
  afterAll(async () => {
    await suite.db?.close();
    await testDb.cleanup();
  });
  return suite;
}

/** As `suiteDatabase`, with the API on it (`testApp` defaults): read `suite.db` and `suite.app`. */
export function suiteApp(testDb: TestDatabase): { db: Database; app: FastifyInstance } {
  const suite = {} as { db: Database; app: FastifyInstance };
  beforeAll(async () => {
    suite.db = await testDb.open();
    ({ app: suite.app } = await testApp(suite.db));
  });
  afterAll(async () => {
    await suite.app?.close();
    await suite.db?.close();
    await testDb.cleanup();
  });
  return suite;
}
