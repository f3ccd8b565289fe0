import fs from 'node:fs';
import type pg from 'pg';

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ; 100 on Linux). */
const TICKS = 100;

/** CPU seconds (user + system) each process has used so far; processes already gone are left out. Linux only. */
export function cpuSeconds(pids: number[]): Map<number, number> {
  const used = new Map<number, number>();
  for (const pid of pids) {
    try {
      // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      used.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS);
    } catch {
      // exited
    }
  }
  return used;
}

/** The Postgres backends serving `database`, this connection's own included. */
export async function backendPids(pool: pg.Pool, database: string): Promise<number[]> {
  const { rows } = await pool.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  return rows.map((r) => r.pid);
}

/**
 * Measures the CPU seconds a phase costs: the given processes and the database's backends
 * (a backend that appears during the phase counts from zero). Postgres's shared processes (WAL
 * writer, checkpointer) are not counted.
 */
export async function phaseCpu<T>(pool: pg.Pool, database: string, pids: number[], run: () => Promise<T>): Promise<{ value: T; processes: number; postgres: number }> {
  const before = cpuSeconds([...pids, ...(await backendPids(pool, database))]);
  const value = await run();
  const backends = await backendPids(pool, database);
  const after = cpuSeconds([...pids, ...backends]);
  const delta = (pid: number) => (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  return {
    value,
    processes: pids.reduce((s, pid) => s + delta(pid), 0),
    postgres: backends.filter((pid) => !pids.includes(pid)).reduce((s, pid) => s + delta(pid), 0),
  };
}
