import type { Sql } from './database';

/**
 * PGlite runs Postgres without its background workers, so no autovacuum ever runs ANALYZE: the
 * planner believes every table holds one row and plans a nested loop where a hash join belongs
 * (one metrics figure took 8.8 s at 10k annotations instead of 90 ms). The embedded server keeps
 * the statistics itself, with autovacuum's rule of thumb: a table is analysed when it has never
 * been, or when it has grown by a fifth (plus a few pages) since it last was. Growth is read from
 * the table's size on disk against the page count the last ANALYZE recorded; PGlite's activity
 * counters (n_mod_since_analyze) are not kept, and AITL's tables are append-mostly, so size
 * tells. Postgres needs none of this: its autovacuum does the same job.
 */
const GROWTH = 1.2;
const SLACK_PAGES = 8;

/** The tables whose statistics are missing or stale, by the rule above. */
export async function staleTables(db: Sql): Promise<string[]> {
  const { rows } = await db.query<{ name: string; reltuples: number; relpages: number; pages: number }>(
    `SELECT c.relname AS name, c.reltuples, c.relpages, (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r'`,
  );
  return rows
    .filter((r) => r.pages > 0 && (r.reltuples < 0 || r.pages > r.relpages * GROWTH + SLACK_PAGES))
    .map((r) => r.name)
    .sort();
}

/** Analyses each stale table, one statement at a time so requests interleave; returns their names. */
export async function refreshStatistics(db: Sql): Promise<string[]> {
  const tables = await staleTables(db);
  for (const table of tables) await db.query(`ANALYZE "${table.replaceAll('"', '""')}"`);
  return tables;
}

/**
 * Keeps the statistics fresh while the server runs: once now, then every `intervalMs`. A failure
 * (the database closing under it, say) is reported and the next round tries again.
 */
export function keepStatisticsFresh(db: Sql, opts: { intervalMs: number; onError(error: unknown): void; onAnalysed?(tables: string[]): void }): { stop(): Promise<void> } {
  let running: Promise<void> = Promise.resolve();
  let stopped = false;
  const round = () => {
    if (stopped) return;
    running = refreshStatistics(db).then(
      (tables) => void (tables.length > 0 && opts.onAnalysed?.(tables)),
      (error) => void (!stopped && opts.onError(error)),
    );
  };
  round();
  const timer = setInterval(round, opts.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
