import { describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/databases';
import { suiteDatabase } from '../helpers/suite-database';

describe.each(testDatabases())('batch file chunks compression on $name', (testDb) => {
  const suite = suiteDatabase(testDb);

  it('is lz4 where the server has it (Postgres), the default where it has not (PGlite)', async () => {
    const { rows } = await suite.db.query<{ method: string }>(
      `SELECT attcompression::text AS method FROM pg_attribute WHERE attrelid = 'batch_file_chunks'::regclass AND attname = 'data'`,
    );
    // 'l' is lz4; '' (or a NUL) is the default, pglz.
    expect(rows[0]!.method.replace(/\0/g, '')).toBe(testDb.name === 'postgres' ? 'l' : '');
  });
});
