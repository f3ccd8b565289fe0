import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database';
import { testDatabases } from '../helpers/databases';

describe.each(testDatabases())('batch file chunks compression on $name', (testDb) => {
  let db: Database;
  beforeAll(async () => {
    db = await testDb.open();
  });
  afterAll(async () => {
    await db?.close();
    await testDb.cleanup();
  });

  it('is lz4 where the server has it (Postgres), the default where it has not (PGlite)', async () => {
    const { rows } = await db.query<{ method: string }>(
      `SELECT attcompression::text AS method FROM pg_attribute WHERE attrelid = 'batch_file_chunks'::regclass AND attname = 'data'`,
    );
    // 'l' is lz4; '' (or a NUL) is the default, pglz.
    expect(rows[0]!.method.replace(/\0/g, '')).toBe(testDb.name === 'postgres' ? 'l' : '');
  });
});
