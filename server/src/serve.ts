import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { startAdminSocket } from './cli/admin-socket';
import type { Config } from './config';
import type { Database } from './db/database';
import { openDatabase } from './db/open';
import { keepStatisticsFresh } from './db/planner-statistics';
import { seedDemo } from './demo';
import { terminalLogStream } from './logging/terminal-log';
import { startJudgeSchedule } from './judge/judge-schedule';

export interface RunningServer {
  app: FastifyInstance;
  db: Database;
  url: string;
  close(): Promise<void>;
}

/** How often the embedded database's planner statistics are checked (db/planner-statistics.ts). */
const STATISTICS_INTERVAL_MS = 60_000;

/** Opens and migrates the database, then serves the API until `close()` or a signal. */
export async function serve(config: Config, options: { demo?: boolean; handleSignals?: boolean } = {}): Promise<RunningServer> {
  const db = await openDatabase(config);
  let app: FastifyInstance | undefined;
  let adminSocket: { close(): Promise<void> } | null = null;
  let statistics: { stop(): Promise<void> } | null = null;
  try {
    app = await buildApp({ config, db, logStream: terminalLogStream(), demoHelpdesk: options.demo });
    if (db.kind === 'pglite') {
      adminSocket = await startAdminSocket(config, db);
      const log = app.log;
      statistics = keepStatisticsFresh(db, {
        intervalMs: STATISTICS_INTERVAL_MS,
        onError: (err) => log.warn({ err }, 'refreshing planner statistics failed'),
        onAnalysed: (tables) => log.debug({ tables }, 'planner statistics refreshed'),
      });
    }
    if (options.demo) {
      const seeded = await seedDemo(db);
      if (seeded) process.stdout.write(seeded + '\n');
    }
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await app?.close().catch(() => {});
    await statistics?.stop();
    await adminSocket?.close().catch(() => {});
    await db.close().catch(() => {});
    throw error;
  }
  const address = app.server.address();
  const url = typeof address === 'object' && address ? `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${address.port}` : String(address);
  app.log.info({ db: db.kind, url, ...(db.kind === 'pglite' && { dataDir: config.dataDir }) }, 'aitl is serving');
  const judging = config.judge?.everyMs ? startJudgeSchedule(db, { ...config.judge, everyMs: config.judge.everyMs }, app.log) : null;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await judging?.stop(); // a pass under way finishes the replies it is asking about, and stops
      await app.close(); // stops accepting, lets in-flight requests (and their commits) finish
      await statistics?.stop();
      await adminSocket?.close();
      await db.close();
    })());

  if (options.handleSignals) {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        app.log.info({ signal }, 'shutting down');
        close().then(
          () => process.exit(0),
          (error) => {
            app.log.error({ err: error }, 'shutdown failed');
            process.exit(1);
          },
        );
      });
    }
  }
  return { app, db, url, close };
}
