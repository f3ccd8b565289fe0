import type { FastifyError, FastifyInstance } from 'fastify';
import type { ApiError, ErrorCode } from '../../../lib/contract';
import { isUnavailable } from '../db/database';

/** An error meant for the caller: its status, code and message are sent as they are. */
export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: ErrorCode,
    message: string,
    readonly paths?: string[],
    /** Sent as Retry-After (429, 503). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

// Fastify's own client errors, in the contract's words.
const FASTIFY_CODES: Record<string, [number, ErrorCode, string]> = {
  FST_ERR_CTP_BODY_TOO_LARGE: [413, 'payload_too_large', 'request body is too large'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: [415, 'unsupported_media_type', 'send the body as application/json'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: [400, 'bad_request', 'Content-Length does not match the body'],
  FST_ERR_CTP_EMPTY_JSON_BODY: [400, 'bad_request', 'request body is empty; send a JSON object'],
  FST_ERR_CTP_INVALID_JSON_BODY: [400, 'bad_request', 'request body is not valid JSON'],
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

/**
 * One shape for every error. 4xx bodies say what to fix; 5xx bodies say nothing beyond the
 * request id (the details go to the log), so a database error never leaks to a caller.
 */
export function registerErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError | HttpError, request, reply) => {
    let status: number;
    let body: ApiError['error'];
    if (error instanceof HttpError) {
      status = error.statusCode;
      body = { code: error.code, message: error.message, ...(error.paths && { paths: error.paths }) };
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
    } else if (error.code && FASTIFY_CODES[error.code]) {
      const [s, code, message] = FASTIFY_CODES[error.code];
      status = s;
      body = { code, message: error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? `${message}: ${error.message}` : message };
    } else if (isUnavailable(error)) {
      status = 503;
      body = { code: 'unavailable', message: 'the database is unavailable; nothing was stored, retry later' };
      reply.header('retry-after', '5');
    } else if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      body = { code: CODE_BY_STATUS[status] ?? 'bad_request', message: error.message };
    } else {
      status = 500;
      body = { code: 'internal', message: 'internal error; nothing was stored' };
    }
    // A 503 we chose to send (load shed, overload) is expected under a crowd: one line, no stack.
    if (status >= 500 && !(error instanceof HttpError)) request.log.error({ err: error }, 'request failed');
    else if (status >= 500) request.log.warn({ code: body.code, status }, body.message);
    else request.log.info({ code: body.code, status }, body.message);
    reply.code(status).send({ error: { ...body, requestId: String(request.id) } } satisfies ApiError);
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({
      error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}`, requestId: String(request.id) },
    } satisfies ApiError);
  });
}
