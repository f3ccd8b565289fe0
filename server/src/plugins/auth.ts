import type { FastifyInstance, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { authenticate, type Auth, type Role } from '../auth/tokens';
import type { Database } from '../db/database';
import { HttpError } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Auth | null;
  }
  interface FastifyInstance {
    /** An onRequest hook admitting only tokens of the given roles. Runs before the body is read. */
    requireRole(...roles: Role[]): onRequestAsyncHookHandler;
  }
}

/** The bearer token of a request, or null. */
export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | null {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1]! : null;
}

export const authPlugin = fp(async (app: FastifyInstance, opts: { db: Database }) => {
  app.decorateRequest('auth', null);
  app.decorate('requireRole', (...roles: Role[]): onRequestAsyncHookHandler => {
    return async (request) => {
      const token = bearerToken(request);
      if (!token) throw new HttpError(401, 'unauthorized', 'missing bearer token: send Authorization: Bearer <token>');
      const auth = await authenticate(opts.db, token);
      if (!auth) throw new HttpError(401, 'unauthorized', 'invalid or revoked token');
      if (!roles.includes(auth.role)) {
        throw new HttpError(403, 'forbidden', `this call needs a token with role ${roles.join(' or ')}; this token's role is ${auth.role}`);
      }
      request.auth = auth;
    };
  });
});
