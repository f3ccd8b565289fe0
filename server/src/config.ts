import path from 'node:path';
import { z } from 'zod';
import { LIMITS, describeIssues } from '../../lib/contract';

/**
 * All server configuration, read from the environment once. Defaults are documented here and in
 * the README; nothing else reads `process.env`.
 */
const Env = z.object({
  /** Postgres connection string. Unset: the embedded PGlite database in AITL_DATA_DIR. */
  DATABASE_URL: z.string().min(1).optional(),
  /** PGlite data folder (only one process may open it); `memory://` keeps nothing. */
  AITL_DATA_DIR: z.string().min(1).default('./.aitl/data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** 127.0.0.1 by default so a laptop demo is not exposed; set 0.0.0.0 behind a proxy or in a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Largest accepted request body in bytes (413 above it). */
  AITL_BODY_LIMIT: z.coerce.number().int().min(1024).default(LIMITS.syncBodyBytes),
  /** Requests per minute per token (or per IP without a token), per server process. */
  AITL_RATE_LIMIT: z.coerce.number().int().min(1).default(600),
  AITL_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Trust X-Forwarded-* from a reverse proxy (client IPs for rate limiting and logs). */
  AITL_TRUST_PROXY: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /**
   * Seconds a batch build holds its tenant's lease without renewing it (it renews every third of
   * that). A replica killed mid-build blocks the next build of its tenant for at most this long.
   */
  AITL_BATCH_LEASE_SECONDS: z.coerce.number().int().min(10).max(3600).default(120),
  /** `aitl batches pull`: the server to pull from, and the operator token (or use --server/--token). */
  AITL_SERVER_URL: z.url().optional(),
  AITL_TOKEN: z.string().min(1).optional(),
});

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  bodyLimit: number;
  rateLimitPerMinute: number;
  logLevel: z.infer<typeof Env>['AITL_LOG_LEVEL'];
  trustProxy: boolean;
  batchLeaseSeconds: number;
  serverUrl: string | undefined;
  token: string | undefined;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.AITL_DATA_DIR === 'memory://' ? e.AITL_DATA_DIR : path.resolve(e.AITL_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    bodyLimit: e.AITL_BODY_LIMIT,
    rateLimitPerMinute: e.AITL_RATE_LIMIT,
    logLevel: e.AITL_LOG_LEVEL,
    trustProxy: e.AITL_TRUST_PROXY,
    batchLeaseSeconds: e.AITL_BATCH_LEASE_SECONDS,
    serverUrl: e.AITL_SERVER_URL,
    token: e.AITL_TOKEN,
  };
}
