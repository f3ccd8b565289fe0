import { describe, expect, it } from 'vitest';
import { tokenFor } from '../helpers/app';
import { testDatabases } from '../helpers/databases';
import { suiteApp } from '../helpers/suite-database';

describe.each(testDatabases())('CORS for the extension on $name', (testDb) => {
  const suite = suiteApp(testDb);

  const preflight = (origin: string) =>
    suite.app.inject({ method: 'OPTIONS', url: '/v1/whoami', headers: { origin, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });

  it('admits the Chromium extension and the Firefox add-on', async () => {
    for (const origin of ['chrome-extension://aidellcenmenbfdaogiajhhlfppkapll', 'moz-extension://0b6c1e7a-3f2d-4c1e-9a8b-7d6e5f4a3b2c']) {
      const res = await preflight(origin);
      expect(res.headers['access-control-allow-origin'], origin).toBe(origin);
    }
    const agent = await tokenFor(suite.db, 'agent');
    const res = await suite.app.inject({ method: 'GET', url: '/v1/whoami', headers: { ...agent.headers, origin: 'moz-extension://0b6c1e7a-3f2d-4c1e-9a8b-7d6e5f4a3b2c' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('moz-extension://0b6c1e7a-3f2d-4c1e-9a8b-7d6e5f4a3b2c');
  });

  it('admits no web page and nothing that only looks like an extension', async () => {
    for (const origin of ['https://evil.example', 'moz-extension://not-a-uuid', 'chrome-extension://short', 'moz-extension://0b6c1e7a-3f2d-4c1e-9a8b-7d6e5f4a3b2c.evil.example']) {
      const res = await preflight(origin);
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
    }
  });
});
