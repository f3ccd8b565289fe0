import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '../../plugins/errors';

/** Where `npm run build` puts the dashboard bundle (dashboard/vite.config.ts). */
export const DASHBOARD_BUILD_DIR = fileURLToPath(new URL('../../../../.output/dashboard/', import.meta.url));

/**
 * Stricter than the API's helmet default: only files from this origin, no inline script or style,
 * no framing, no forms, no plugins. The dashboard fetches the API on the same origin with a bearer
 * token, so a script injected through ticket text would have nothing to run with.
 */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/**
 * `GET /dashboard/`: the operator dashboard, a static bundle. The files need no token (they hold
 * no data); every number comes from the API, which checks the operator's token on each call.
 */
export default async function dashboardRoutes(app: FastifyInstance, opts: { dir?: string }) {
  const dir = path.resolve(opts.dir ?? DASHBOARD_BUILD_DIR);
  const built = fs.existsSync(path.join(dir, 'index.html'));
  app.addHook('onSend', async (_request, reply) => {
    reply.header('content-security-policy', DASHBOARD_CSP);
  });
  app.get('/dashboard', async (_request, reply) => reply.redirect('/dashboard/'));
  if (!built) {
    app.get('/dashboard/*', async () => {
      throw new HttpError(503, 'unavailable', `the dashboard is not built (no ${path.join(dir, 'index.html')}): run \`npm run build\`, then restart aitl serve`);
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: '/dashboard/',
    index: 'index.html',
    cacheControl: false,
    // Hashed asset names change with every build; index.html must not be cached past one.
    setHeaders: (res, file) => res.setHeader('cache-control', file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable'),
  });
}
