import path from 'node:path';
import { z } from 'zod';
import { EmailDomain, LIMITS, describeIssues } from '../../lib/contract';
import type { CompanySignInConfig } from './enrollment/company-sign-in';
import type { EmbeddingsConfig } from './knowledge/embeddings';
import { RerankerWeightsError, readRerankerWeights, type RerankerWeights } from './knowledge/reranker';
import { ArmsConfigError, loadArms, type Arm } from './suggestions/arms-config';
import { JudgeConfigError, loadJudgeConfig, type JudgeConfig } from './judge/judge-config';

/** How hard /v1/enroll and /v1/enroll/oidc push back, per server process. */
export interface EnrollmentConfig {
  perMinute: number;
  perAddressPerHour: number;
  failuresPerQuarterHour: number;
  companySignIn: CompanySignInConfig | null;
}

export const ENROLLMENT_DEFAULTS: EnrollmentConfig = { perMinute: 60, perAddressPerHour: 10, failuresPerQuarterHour: 20, companySignIn: null };

/** How the process sheds load instead of queueing it (see plugins/load-shedding.ts). */
export interface LoadConfig {
  /** POST /v1/suggestions served at once; more wait up to `queueWaitMs`, then get 503. */
  suggestionsConcurrency: number;
  /** POST /v1/sync served at once. */
  syncConcurrency: number;
  queueWaitMs: number;
  /** Retry-After on a shed request, in seconds. */
  retryAfterSeconds: number;
  /** Event-loop delay past which every request gets 503 until it recovers; 0: never. */
  maxEventLoopDelayMs: number;
  /** Heap in use past which every request gets 503; 0: never. */
  maxHeapUsedBytes: number;
}

// Measured with `npm run bench:load` on 2 cores (see the README, "Under a crowd"): two suggestions
// in flight, on either database. With 4 each took about twice as long as with 2 (PGlite runs one
// statement at a time, and Postgres here has two cores), for no more answered per second. With 1 on
// PGlite, whose statements run on a thread of their own, a suggestion's JavaScript and its
// statements took turns, and the database thread idled about a third of the time under a crowd. A
// wait past a quarter second only adds latency to what a Retry-After would have served later anyway.
export const LOAD_DEFAULTS: LoadConfig = {
  suggestionsConcurrency: 2,
  syncConcurrency: 4,
  queueWaitMs: 250,
  retryAfterSeconds: 2,
  maxEventLoopDelayMs: 1000,
  maxHeapUsedBytes: 0,
};

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
  /**
   * Rate limits shared by every replica: a Redis URL (redis://host:6379). Unset: each process
   * counts on its own, so N replicas admit up to N times AITL_RATE_LIMIT.
   */
  AITL_RATE_LIMIT_REDIS_URL: z.url({ protocol: /^rediss?$/ }).optional(),
  /**
   * Load shedding. Requests of POST /v1/suggestions and POST /v1/sync served at once by this
   * process (more wait up to AITL_QUEUE_WAIT_MS, then get 503 with Retry-After). On PGlite one
   * query runs at a time, so a few in flight keep it busy; on Postgres, up to the pool size (10).
   */
  AITL_SUGGESTIONS_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(LOAD_DEFAULTS.suggestionsConcurrency),
  AITL_SYNC_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(LOAD_DEFAULTS.syncConcurrency),
  AITL_QUEUE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(LOAD_DEFAULTS.queueWaitMs),
  AITL_RETRY_AFTER_SECONDS: z.coerce.number().int().min(1).max(600).default(LOAD_DEFAULTS.retryAfterSeconds),
  /** The whole process answers 503 while its event loop lags more than this (0: never), or its heap exceeds AITL_MAX_HEAP_MB (0: never). */
  AITL_MAX_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(LOAD_DEFAULTS.maxEventLoopDelayMs),
  AITL_MAX_HEAP_MB: z.coerce.number().int().min(0).default(0),
  /** A preference decided faster than this after the impression was shown counts as too fast. */
  AITL_TOO_FAST_MS: z.coerce.number().int().min(0).default(3000),
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
  /**
   * Worker threads a batch build finds PII on, ahead of the thread that writes the files; 0 keeps
   * it all on one thread. Unset: one fewer than the cores, at most 3 (builds of under 5000 replies
   * and preferences use none).
   */
  AITL_REDACTION_THREADS: z.coerce.number().int().min(0).max(16).optional(),
  /** `aitl batches pull`: the server to pull from, and the operator token (or use --server/--token). */
  AITL_SERVER_URL: z.url().optional(),
  AITL_TOKEN: z.string().min(1).optional(),
  /**
   * Reply arms: a JSON file (AITL_ARMS_FILE) or inline JSON (AITL_ARMS); see the README. Unset:
   * two embedded extractive arms, which need no network.
   */
  AITL_ARMS_FILE: z.string().min(1).optional(),
  AITL_ARMS: z.string().min(1).optional(),
  /** Default time an arm gets before the suggestion goes on without it, in milliseconds. */
  AITL_ARM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** A reranker weights file (from `aitl rerank train`); unset: the shipped weights. */
  AITL_RERANKER_WEIGHTS: z.string().min(1).optional(),
  /**
   * Optional vector search: an OpenAI-compatible API root serving POST /embeddings (OpenAI, Ollama,
   * vLLM, ...) and the model to ask. Unset: full-text search only.
   */
  AITL_EMBEDDINGS_URL: z.url({ protocol: /^https?$/ }).optional(),
  AITL_EMBEDDINGS_MODEL: z.string().min(1).max(128).optional(),
  AITL_EMBEDDINGS_API_KEY: z.string().min(1).optional(),
  AITL_EMBEDDINGS_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5_000),
  /**
   * POST /v1/enroll and /v1/enroll/oidc: requests per minute per client IP and per enrollment key.
   * A whole office behind one NAT address enrols through one IP, so this is not small; agents
   * over it get 429 with Retry-After and their extension retries.
   */
  AITL_ENROLL_RATE_LIMIT: z.coerce.number().int().min(1).default(ENROLLMENT_DEFAULTS.perMinute),
  /** Enrolments of one email address per hour (each makes a token): bounds token minting for one person. */
  AITL_ENROLL_ADDRESS_LIMIT: z.coerce.number().int().min(1).default(ENROLLMENT_DEFAULTS.perAddressPerHour),
  /** Refused attempts (bad key, failed sign-in) per client IP per 15 minutes before that IP is refused outright. */
  AITL_ENROLL_FAILURE_LIMIT: z.coerce.number().int().min(1).default(ENROLLMENT_DEFAULTS.failuresPerQuarterHour),
  /**
   * Company sign-in (OpenID Connect), off unless AITL_OIDC_ISSUER is set; then the client id, the
   * tenant its agents join and the allowed email domains (comma-separated) are required. The
   * secret only for a confidential client. http:// issuers are accepted on loopback only.
   */
  AITL_OIDC_ISSUER: z.url({ protocol: /^https?$/ }).optional(),
  AITL_OIDC_CLIENT_ID: z.string().min(1).optional(),
  AITL_OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  AITL_OIDC_TENANT: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'must be a tenant id').optional(),
  AITL_OIDC_EMAIL_DOMAINS: z
    .string()
    .transform((list) => list.split(',').map((d) => d.trim()).filter(Boolean))
    .pipe(z.array(EmailDomain).min(1, 'name at least one domain'))
    .optional(),
});

export interface SuggestionsConfig {
  arms: Arm[];
  /** The reranker's weights: from AITL_RERANKER_WEIGHTS, or the shipped ones. */
  reranker: RerankerWeights;
  /** Vector search for stage one, when configured. */
  embeddings: EmbeddingsConfig | null;
}

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  port: number;
  host: string;
  bodyLimit: number;
  rateLimitPerMinute: number;
  rateLimitRedisUrl: string | undefined;
  load: LoadConfig;
  logLevel: z.infer<typeof Env>['AITL_LOG_LEVEL'];
  trustProxy: boolean;
  batchLeaseSeconds: number;
  redactionThreads: number | undefined;
  serverUrl: string | undefined;
  token: string | undefined;
  tooFastMs: number;
  suggestions: SuggestionsConfig;
  enrollment: EnrollmentConfig;
  /** The judge model scoring helpfulness (AITL_JUDGE_*, see judge/judge-config.ts); null: none. */
  judge: JudgeConfig | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = Env.safeParse(env);
  if (!parsed.success) throw new ConfigError(`invalid configuration: ${describeIssues(parsed.error)}`);
  const e = parsed.data;
  if (!!e.AITL_EMBEDDINGS_URL !== !!e.AITL_EMBEDDINGS_MODEL) {
    throw new ConfigError('invalid configuration: set both AITL_EMBEDDINGS_URL and AITL_EMBEDDINGS_MODEL for vector search, or neither');
  }
  const embeddings: EmbeddingsConfig | null = e.AITL_EMBEDDINGS_URL
    ? { baseUrl: e.AITL_EMBEDDINGS_URL, model: e.AITL_EMBEDDINGS_MODEL!, ...(e.AITL_EMBEDDINGS_API_KEY && { apiKey: e.AITL_EMBEDDINGS_API_KEY }), timeoutMs: e.AITL_EMBEDDINGS_TIMEOUT_MS }
    : null;
  const companySignIn = companySignInConfig(e);
  let arms: Arm[];
  let reranker: RerankerWeights;
  let judge: JudgeConfig | null;
  try {
    judge = loadJudgeConfig(env);
    arms = loadArms(env, e.AITL_ARM_TIMEOUT_MS);
    reranker = e.AITL_RERANKER_WEIGHTS ? readRerankerWeights(path.resolve(e.AITL_RERANKER_WEIGHTS)) : readRerankerWeights();
  } catch (error) {
    if (error instanceof ArmsConfigError || error instanceof JudgeConfigError) throw new ConfigError(error.message);
    if (error instanceof RerankerWeightsError) throw new ConfigError(`AITL_RERANKER_WEIGHTS: ${error.message}; unset it to use the shipped weights`);
    throw error;
  }
  return {
    databaseUrl: e.DATABASE_URL,
    dataDir: e.AITL_DATA_DIR === 'memory://' ? e.AITL_DATA_DIR : path.resolve(e.AITL_DATA_DIR),
    port: e.PORT,
    host: e.HOST,
    bodyLimit: e.AITL_BODY_LIMIT,
    rateLimitPerMinute: e.AITL_RATE_LIMIT,
    rateLimitRedisUrl: e.AITL_RATE_LIMIT_REDIS_URL,
    load: {
      suggestionsConcurrency: e.AITL_SUGGESTIONS_CONCURRENCY,
      syncConcurrency: e.AITL_SYNC_CONCURRENCY,
      queueWaitMs: e.AITL_QUEUE_WAIT_MS,
      retryAfterSeconds: e.AITL_RETRY_AFTER_SECONDS,
      maxEventLoopDelayMs: e.AITL_MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: e.AITL_MAX_HEAP_MB * 1024 * 1024,
    },
    logLevel: e.AITL_LOG_LEVEL,
    trustProxy: e.AITL_TRUST_PROXY,
    batchLeaseSeconds: e.AITL_BATCH_LEASE_SECONDS,
    redactionThreads: e.AITL_REDACTION_THREADS,
    serverUrl: e.AITL_SERVER_URL,
    token: e.AITL_TOKEN,
    tooFastMs: e.AITL_TOO_FAST_MS,
    suggestions: { arms, reranker, embeddings },
    enrollment: {
      perMinute: e.AITL_ENROLL_RATE_LIMIT,
      perAddressPerHour: e.AITL_ENROLL_ADDRESS_LIMIT,
      failuresPerQuarterHour: e.AITL_ENROLL_FAILURE_LIMIT,
      companySignIn,
    },
    judge,
  };
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

function companySignInConfig(e: z.infer<typeof Env>): CompanySignInConfig | null {
  const related = ['AITL_OIDC_CLIENT_ID', 'AITL_OIDC_CLIENT_SECRET', 'AITL_OIDC_TENANT', 'AITL_OIDC_EMAIL_DOMAINS'] as const;
  if (!e.AITL_OIDC_ISSUER) {
    const stray = related.filter((k) => e[k] !== undefined);
    if (stray.length > 0) throw new ConfigError(`invalid configuration: ${stray.join(', ')} set without AITL_OIDC_ISSUER; set the issuer to turn company sign-in on, or unset them`);
    return null;
  }
  const missing = (['AITL_OIDC_CLIENT_ID', 'AITL_OIDC_TENANT', 'AITL_OIDC_EMAIL_DOMAINS'] as const).filter((k) => e[k] === undefined);
  if (missing.length > 0) throw new ConfigError(`invalid configuration: company sign-in (AITL_OIDC_ISSUER) also needs ${missing.join(', ')}`);
  const issuer = new URL(e.AITL_OIDC_ISSUER);
  if (issuer.protocol === 'http:' && !LOOPBACK.has(issuer.hostname)) {
    throw new ConfigError('invalid configuration: AITL_OIDC_ISSUER must be https:// (http:// only for a provider on this machine, for development)');
  }
  return {
    issuer: e.AITL_OIDC_ISSUER,
    clientId: e.AITL_OIDC_CLIENT_ID!,
    ...(e.AITL_OIDC_CLIENT_SECRET && { clientSecret: e.AITL_OIDC_CLIENT_SECRET }),
    tenantId: e.AITL_OIDC_TENANT!,
    emailDomains: [...new Set(e.AITL_OIDC_EMAIL_DOMAINS!)],
  };
}
