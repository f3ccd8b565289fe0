import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { hashToken } from '../auth/tokens';
import { bearerToken } from './auth';
import { HttpError } from './errors';

export interface RateLimitOptions {
  perMinute: number;
  /** Count in Redis, shared by every replica using it; unset: per process. */
  redisUrl?: string | undefined;
}

/**
 * Per-token request budget (per IP for requests without a token), with the IETF draft's
 * `RateLimit-*` headers and `Retry-After` on 429 so clients back off precisely. Without Redis the
 * count is kept per process: N replicas admit up to N times the budget. With AITL_RATE_LIMIT_REDIS_URL
 * every replica counts in the same Redis keys (@fastify/rate-limit's Redis store), so a token's
 * budget holds across replicas. If Redis is unreachable, requests pass uncounted (logged) rather than
 * failing: agents keep working, and the limit resumes when Redis is back.
 */
export async function registerRateLimit(app: FastifyInstance, options: RateLimitOptions) {
  let redis: Redis | undefined;
  if (options.redisUrl) {
    // No offline queue and one retry: a request never waits on a Redis that is down.
    redis = new Redis(options.redisUrl, { connectTimeout: 1000, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    redis.on('error', (error) => app.log.warn({ err: error }, 'rate-limit Redis unavailable; requests pass uncounted'));
    await redis.connect().catch((error: Error) => app.log.warn({ err: error }, `rate-limit Redis at ${new URL(options.redisUrl!).host} unreachable; requests pass uncounted until it is back`));
    app.addHook('onClose', async () => {
      await redis!.quit().catch(() => redis!.disconnect());
    });
  }
  await app.register(rateLimit, {
    global: true,
    max: options.perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    ...(redis && { redis, nameSpace: 'aitl-rate-limit:', skipOnError: true }),
    keyGenerator: (request) => {
      const token = bearerToken(request);
      return token ? `token:${hashToken(token)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', `too many requests: limit is ${context.max} per minute; retry in ${context.after}`),
  });
}
