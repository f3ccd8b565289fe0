import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { Database } from '../../src/db/database';
import { openDatabase } from '../../src/db/open';
import { IN_MEMORY } from '../../src/db/pglite';

/** The real Postgres to test against, when the environment names one (CI always does). */
export const POSTGRES_URL = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  open(): Promise<Database>;
  /** Drops what `open` created. */
  cleanup(): Promise<void>;
}

/** Creates a database of its own for one test file and drops it afterwards. */
export async function createPostgresDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `aitl_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: baseUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** PGlite always; Postgres too when TEST_DATABASE_URL or DATABASE_URL is set. */
export function testDatabases(): TestDatabase[] {
  const list: TestDatabase[] = [
    { name: 'pglite', open: () => openDatabase({ databaseUrl: undefined, dataDir: IN_MEMORY }), cleanup: async () => {} },
  ];
  if (POSTGRES_URL) {
    let created: { url: string; drop(): Promise<void> } | null = null;
    list.push({
      name: 'postgres',
      async open() {
        created = await createPostgresDatabase(POSTGRES_URL);
        return openDatabase({ databaseUrl: created.url, dataDir: IN_MEMORY });
      },
      async cleanup() {
        await created?.drop();
      },
    });
  }
  return list;
}
