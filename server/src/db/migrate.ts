import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Database } from './database';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** `NNNN_name.sql` files, in order. One set for Postgres and PGlite. */
export function loadMigrations(dir = MIGRATIONS_DIR): Migration[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((file) => ({
      version: Number.parseInt(file.slice(0, 4), 10),
      name: file.slice(5, -4),
      sql: fs.readFileSync(`${dir}/${file}`, 'utf8'),
    }));
}

/**
 * Applies pending migrations in one transaction. The advisory lock lets several server replicas
 * start against one Postgres at once: the first migrates, the others wait and find nothing to do.
 */
export async function migrate(db: Database, migrations = loadMigrations()): Promise<Migration[]> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version integer PRIMARY KEY,
    name text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('aitl.migrate'))`);
    const { rows } = await tx.query<{ version: number }>('SELECT version FROM schema_migrations');
    const done = new Set(rows.map((r) => Number(r.version)));
    const latest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (latest > known) {
      throw new Error(
        `the database schema is at version ${latest} but this aitl only knows up to ${known}; upgrade aitl before pointing it at this database`,
      );
    }
    const pending = migrations.filter((m) => !done.has(m.version));
    for (const m of pending) {
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    return pending;
  });
}
