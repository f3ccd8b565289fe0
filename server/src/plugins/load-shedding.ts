import underPressure from '@fastify/under-pressure';
import type { FastifyInstance } from 'fastify';
import { getHeapStatistics } from 'node:v8';
import type { LoadConfig } from '../config';
import { concurrencyCap } from './concurrency-cap';
import { HttpError } from './errors';

/**
 * The whole process answers 503 with Retry-After while its event loop lags or its heap is nearly
 * full (@fastify/under-pressure), before any work is done for the request. A backstop: the
 * per-route caps (`routeCap`) keep the load below that in normal overload.
 */
export async function registerLoadShedding(app: FastifyInstance, load: LoadConfig) {
  // Unset: 90% of the heap node may grow to, so the process sheds before it would crash.
  const maxHeapUsedBytes = load.maxHeapUsedBytes || Math.floor(getHeapStatistics().heap_size_limit * 0.9);
  await app.register(underPressure, {
    ...(load.maxEventLoopDelayMs > 0 && { maxEventLoopDelay: load.maxEventLoopDelayMs }),
    maxHeapUsedBytes,
    retryAfter: load.retryAfterSeconds,
    // Async, so the error reaches our error handler (the contract's error shape, Retry-After).
    pressureHandler: async (_request, _reply, type) => {
      throw new HttpError(503, 'unavailable', `the server is overloaded (${type}); nothing was stored, retry in ${load.retryAfterSeconds} s`, undefined, load.retryAfterSeconds);
    },
  });
}

/** The per-route concurrency caps of the two routes agents call all day. */
export function routeCaps(load: LoadConfig) {
  const common = { maxWaitMs: load.queueWaitMs, retryAfterSeconds: load.retryAfterSeconds };
  return {
    suggestions: concurrencyCap({ ...common, concurrency: load.suggestionsConcurrency, route: 'suggestion' }),
    sync: concurrencyCap({ ...common, concurrency: load.syncConcurrency, route: 'sync' }),
  };
}
