import type { Config } from '../config';
import type { Database } from '../db/database';
import { dataDirHolder, adminSocketPath } from '../db/data-dir-lock';
import { DataDirBusyError } from '../db/database';
import { openDatabase } from '../db/open';
import { runThroughSocket } from './admin-socket';
import { operations, type OperationArgs, type OperationContext, type OperationName } from './operations';

/**
 * Runs a database operation from the CLI: directly on Postgres or a free embedded database, or
 * through the running server when `aitl serve` holds the embedded one.
 */
export async function runOperation<N extends OperationName>(
  config: Config,
  name: N,
  args: OperationArgs<N>,
  extras: Pick<OperationContext, 'progress'> = {},
): Promise<string> {
  if (!config.databaseUrl && dataDirHolder(config.dataDir) !== null) {
    return runThroughSocket(adminSocketPath(config.dataDir), name, args);
  }
  let db: Database;
  try {
    db = await openDatabase(config);
  } catch (error) {
    // Lost a race with a server that started a moment ago: go through it instead.
    if (error instanceof DataDirBusyError) return runThroughSocket(error.socketPath, name, args);
    throw error;
  }
  try {
    const run = operations[name] as (ctx: OperationContext, a: OperationArgs<N>) => Promise<string>;
    return await run({ db, config, ...extras }, args);
  } finally {
    await db.close();
  }
}
