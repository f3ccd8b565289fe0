import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app';
import type { Database } from '../../src/db/database';
import { DASHBOARD_CSP } from '../../src/routes/dashboard';
import { TEST_CONFIG, tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';

const NO_SHEDDING = { suggestionsConcurrency: 1000, syncConcurrency: 1000, maxEventLoopDelayMs: 0 };

/** A bundle as Vite lays it out: index.html and hashed assets. */
function fakeBundle(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-dashboard-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>AITL dashboard</title><script type="module" src="/dashboard/assets/index-abc.js"></script>');
  fs.writeFileSync(path.join(dir, 'assets/index-abc.js'), 'console.log("dashboard")');
  return dir;
}

describe.each(testDatabases())('GET /dashboard on $name', (testDb) => {
  let db: Database;
  let app: FastifyInstance;
  let unbuilt: FastifyInstance;
  const bundle = fakeBundle();

  beforeAll(async () => {
    db = await testDb.open();
    app = await buildApp({ config: { ...TEST_CONFIG, load: NO_SHEDDING }, db, dashboardDir: bundle, logStream: { write() {} } });
    unbuilt = await buildApp({ config: { ...TEST_CONFIG, load: NO_SHEDDING }, db, dashboardDir: path.join(bundle, 'missing'), logStream: { write() {} } });
  });
  afterAll(async () => {
    await app?.close();
    await unbuilt?.close();
    await db?.close();
    await testDb.cleanup();
    fs.rmSync(bundle, { recursive: true, force: true });
  });

  it('serves the bundle without a token, under a CSP that forbids inline script and style', async () => {
    const page = await app.inject({ method: 'GET', url: '/dashboard/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('AITL dashboard');
    expect(page.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
    expect(page.headers['cache-control']).toBe('no-cache');

    const script = await app.inject({ method: 'GET', url: '/dashboard/assets/index-abc.js' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toMatch(/javascript/);
    expect(script.headers['content-security-policy']).toBe(DASHBOARD_CSP);
    expect(script.headers['cache-control']).toContain('immutable');
  });

  it('redirects /dashboard to /dashboard/ so relative asset paths resolve', async () => {
    const res = await app.inject({ method: 'GET', url: '/dashboard' });
    expect(res.statusCode).toBe(302);
    expect(res.headers.location).toBe('/dashboard/');
  });

  it('answers a missing file with 404 and never lists or escapes the folder', async () => {
    expect((await app.inject({ method: 'GET', url: '/dashboard/assets/nope.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/dashboard/..%2f..%2fpackage.json' })).statusCode).toBe(404);
  });

  it('keeps the API on its own CSP and roles: the bundle grants nothing', async () => {
    const agent = await tokenFor(db, 'agent');
    const refused = await app.inject({ method: 'GET', url: '/v1/metrics', headers: agent.headers });
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-security-policy']).not.toBe(DASHBOARD_CSP);
  });

  it('says how to build the dashboard when the bundle is missing', async () => {
    const res = await unbuilt.inject({ method: 'GET', url: '/dashboard/' });
    expect(res.statusCode).toBe(503);
    expect(res.json().error.message).toContain('npm run build');
  });
});
