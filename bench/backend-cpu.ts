/**
 * CPU seconds the Postgres backends of one database have used so far, read from /proc (the bench
 * runs next to its Postgres). On a shared machine wall time mostly measures the queue for a core;
 * client plus server CPU is what a job costs, whoever else is running. Null when Postgres is not
 * local (its backends are not in this /proc).
 */
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export async function backendCpuSeconds(url: string): Promise<number | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    let ticks = 0;
    for (const { pid } of rows) {
      let stat: string;
      try {
        stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        return null;
      }
      // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    }
    return ticks / TICKS_PER_SECOND;
  } finally {
    await client.end();
  }
}
