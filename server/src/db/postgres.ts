import pg from 'pg';
import { DatabaseUnavailableError, type Database, type Sql } from './database';
import { issuedStatements } from './issued-statements';

/** Strips the password from a connection string before it appears in a message. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => {});
    throw new DatabaseUnavailableError(
      `DATABASE_URL is unreachable: ${(error as Error).message} (${redactUrl(url)}); ` +
        'check that Postgres is running and the URL is right, or unset DATABASE_URL to use the embedded database',
    );
  }
  const sql = (client: pg.Pool | pg.PoolClient): Sql => ({
    async query<T>(text: string, params?: unknown[]) {
      const result = await client.query(text, params as unknown[]);
      return { rows: result.rows as T[] };
    },
    async exec(script: string) {
      await client.query(script); // no parameters: the simple protocol runs every statement
    },
  });
  // Pipeline mode (statements written without waiting for the previous answer) only for the
  // transactions that ask for it: it refuses cursors and streams, which other queries use. Opened
  // on first use, so a server whose callers never pipeline holds no extra connections.
  let pipelinePool: pg.Pool | null = null;
  const pipelined = () => {
    if (!pipelinePool) {
      pipelinePool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000, pipeline: true } as pg.PoolConfig);
      pipelinePool.on('error', () => {});
    }
    return pipelinePool;
  };
  return {
    kind: 'postgres',
    ...sql(pool),
    async transaction(fn, txOptions) {
      const client = await (txOptions?.pipelined ? pipelined() : pool).connect();
      try {
        const issued = issuedStatements(sql(client));
        // Not awaited: fn's first statements go out right behind it (in a pipeline, in one write).
        void issued.sql.query('BEGIN');
        const value = await fn(issued.sql);
        await client.query('COMMIT');
        // A statement that failed aborted the transaction, and the COMMIT behind it rolled back.
        const failure = await issued.failure();
        if (failure !== undefined) throw failure;
        return value;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    async close() {
      await Promise.all([pool.end(), pipelinePool?.end()]);
    },
  };
}
