import { randomUUID } from 'node:crypto';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyInstance } from 'fastify';
import type { DestinationStream } from 'pino';
import { ENROLLMENT_DEFAULTS, LOAD_DEFAULTS, type Config, type EnrollmentConfig, type LoadConfig, type SuggestionsConfig } from './config';
import type { Database } from './db/database';
import type { HelpfulnessJudge } from './metrics/helpfulness';
import { authPlugin } from './plugins/auth';
import { registerErrorHandling } from './plugins/errors';
import { registerLoadShedding, routeCaps } from './plugins/load-shedding';
import { registerRateLimit } from './plugins/rate-limit';
import adminRoutes from './routes/admin';
import enrollRoutes from './routes/enroll';
import gapRoutes from './routes/gaps';
import healthRoutes from './routes/healthz';
import batchRoutes from './routes/batches';
import dashboardRoutes from './routes/dashboard';
import demoHelpdeskRoutes from './routes/demo-helpdesk';
import metricsRoutes from './routes/metrics';
import suggestionRoutes from './routes/suggestions';
import syncRoutes from './routes/sync';
import whoamiRoutes from './routes/whoami';
import { suggestionEngine } from './suggestions/engine';
import modelRoutes from './routes/models';

export interface AppOptions {
  config: Pick<Config, 'bodyLimit' | 'rateLimitPerMinute' | 'logLevel' | 'trustProxy' | 'tooFastMs' | 'batchLeaseSeconds'> & {
    rateLimitRedisUrl?: string;
    load?: Partial<LoadConfig>;
    redactionThreads?: number;
    suggestions?: Partial<SuggestionsConfig>;
    enrollment?: Partial<EnrollmentConfig>;
    judge?: HelpfulnessJudge | null;
  };
  db: Database;
  /** Where logs go (tests capture them); stdout by default. */
  logStream?: DestinationStream;
  /** The built dashboard bundle; `.output/dashboard` (from `npm run build`) by default. */
  dashboardDir?: string;
  /** Serve the demo helpdesk (`aitl serve --demo`): a Zendesk-like workspace at /demo/ over the demo tickets. */
  demoHelpdesk?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const EXTENSION_ORIGIN = /^(chrome-extension:\/\/[a-p]{32}|moz-extension:\/\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;

const SECRET_FIELDS = ['token', 'enrollmentKey', 'callbackUrl', 'codeVerifier', 'idToken'];
export const REDACTED_LOG_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  ...SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `req.body.${f}`, `*.body.${f}`]),
];

/** The HTTP API on top of an open, migrated database. */
export async function buildApp({ config, db, logStream, dashboardDir, demoHelpdesk }: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      // Fastify logs neither headers nor bodies, but anything that ever does must not leak
      // credentials: bearer tokens, enrollment keys, issued tokens, sign-in codes and verifiers.
      redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
      ...(logStream && { stream: logStream }),
    },
    bodyLimit: config.bodyLimit,
    trustProxy: config.trustProxy,
    // Keep a caller's request id when it is sane (so logs join up across services), else make one.
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // The API speaks JSON only; anything else is 415, not a string handed to a handler.
  app.removeContentTypeParser('text/plain');
  registerErrorHandling(app);
  const load = { ...LOAD_DEFAULTS, ...config.load };
  await registerLoadShedding(app, load);
  await registerRateLimit(app, { perMinute: config.rateLimitPerMinute, redisUrl: config.rateLimitRedisUrl });
  await app.register(helmet, { global: true });
  // The AITL browser extension calls the API from its background (origin chrome-extension://<id>, or
  // moz-extension://<per-install uuid> on Firefox), and an admin-chosen backend cannot be listed in
  // its manifest. Auth is a bearer token, never a cookie, so admitting extension origins exposes
  // nothing a caller without a token could use.
  await app.register(cors, {
    origin: (origin, cb) => cb(null, origin !== undefined && EXTENSION_ORIGIN.test(origin)),
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'x-request-id'],
    exposedHeaders: ['retry-after', 'x-request-id'],
    maxAge: 600,
  });
  await app.register(authPlugin, { db });

  await app.register(healthRoutes, { db });
  await app.register(whoamiRoutes);
  const caps = routeCaps(load);
  await app.register(syncRoutes, { db, cap: caps.sync });
  await app.register(batchRoutes, { db, leaseSeconds: config.batchLeaseSeconds, redactionThreads: config.redactionThreads });
  // One engine for suggestions and model turns, so a promotion on this replica serves here at once.
  const engine = suggestionEngine(config.suggestions);
  await app.register(suggestionRoutes, { db, engine, cap: caps.suggestions });
  await app.register(modelRoutes, { db, serving: engine.models, arms: engine.arms });
  await app.register(metricsRoutes, { db, tooFastMs: config.tooFastMs, judge: config.judge ?? null });
  await app.register(gapRoutes, { db });
  await app.register(enrollRoutes, { db, config: { ...ENROLLMENT_DEFAULTS, ...config.enrollment } });
  await app.register(adminRoutes, { db });
  await app.register(dashboardRoutes, { dir: dashboardDir });
  if (demoHelpdesk) await app.register(demoHelpdeskRoutes, {});
  return app;
}
