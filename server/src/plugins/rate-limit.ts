import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { hashToken } from '../auth/tokens';
import { bearerToken } from './auth';
import { HttpError } from './errors';

/**
 * Per-token request budget (per IP for requests without a token), with the IETF draft's
 * `RateLimit-*` headers and `Retry-After` on 429 so clients back off precisely. The count is kept
 * per process: N replicas admit up to N times the budget.
 */
export async function registerRateLimit(app: FastifyInstance, perMinute: number) {
  await app.register(rateLimit, {
    global: true,
    max: perMinute,
    timeWindow: 60_000,
    enableDraftSpec: true,
    keyGenerator: (request) => {
      const token = bearerToken(request);
      return token ? `token:${hashToken(token)}` : `ip:${request.ip}`;
    },
    errorResponseBuilder: (_request, context) =>
      new HttpError(429, 'rate_limited', `too many requests: limit is ${context.max} per minute; retry in ${context.after}`),
  });
}
