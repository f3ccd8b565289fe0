// @vitest-environment node
import 'fake-indexeddb/auto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { signInWithCompany } from '../../lib/background/company-sign-in';
import { AgentEnrolment } from '../../lib/background/enrolment';
import { OverlayDb } from '../../lib/outbox/db';
import { SettingsDb } from '../../lib/settings/settings-db';
import { backendTarget } from '../../lib/settings/settings';
import { loadConfig } from '../../server/src/config';
import { serve, type RunningServer } from '../../server/src/serve';
import { makeAnnotation } from '../../server/test/helpers/annotations';
import { CLIENT_ID, EXTENSION_REDIRECT, startOidcProvider, type TestProvider } from '../../server/test/helpers/oidc-provider';

/**
 * The extension's half of company sign-in against the real backend and a real OpenID provider
 * (`oidc-provider`): only the browser window is stood in for, by a user who follows the
 * provider's redirects and signs in as one account.
 */
describe('company sign-in against a real OpenID provider and the real backend', () => {
  let provider: TestProvider;
  let backend: RunningServer;
  let dataDir: string;
  let settings: SettingsDb;

  beforeAll(async () => {
    provider = await startOidcProvider({ robin: { email: 'Robin@Example.com', emailVerified: true }, outsider: { email: 'robin@elsewhere.io', emailVerified: true } });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'aitl-sign-in-'));
    const config = loadConfig({
      AITL_DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      AITL_LOG_LEVEL: 'warn',
      AITL_OIDC_ISSUER: provider.issuer,
      AITL_OIDC_CLIENT_ID: CLIENT_ID,
      AITL_OIDC_TENANT: 'acme',
      AITL_OIDC_EMAIL_DOMAINS: 'example.com',
    });
    backend = await serve(config, { demo: false });
  }, 180_000); // migrations on a fresh embedded database, on a busy machine
  afterAll(async () => {
    await backend?.close();
    await provider?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    fakeBrowser.reset();
    settings = new SettingsDb(`aitl-sign-in-real-${crypto.randomUUID()}`);
    await fakeBrowser.storage.managed.set({ backendUrl: backend.url });
  });

  /** launchWebAuthFlow's window: the user signs in as `account` and the provider redirects back. */
  const userSigningInAs = (account: string) =>
    vi.fn(async ({ url }: { url: string; interactive: boolean }) => {
      const cookies = new Map<string, string>();
      let next = new URL(url);
      next.searchParams.set('login_hint', account); // what the user types on the provider's page
      for (let hop = 0; hop < 10; hop++) {
        const res = await fetch(next, { redirect: 'manual', headers: { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(';');
          cookies.set(pair!.slice(0, pair!.indexOf('=')), pair!.slice(pair!.indexOf('=') + 1));
        }
        const location = res.headers.get('location');
        if (!location) throw new Error(`the provider stopped at ${next} with ${res.status}: ${await res.text()}`);
        if (location.startsWith(EXTENSION_REDIRECT)) return location;
        next = new URL(location, next);
      }
      throw new Error('too many redirects');
    });

  it('signs the agent in and keeps a token whose annotations carry their company email', async () => {
    const loop = { request: vi.fn(async () => null) };
    const record = await signInWithCompany({ settings, loop, launchWebAuthFlow: userSigningInAs('robin'), redirectUrl: EXTENSION_REDIRECT });
    expect(record).toMatchObject({ state: 'enrolled', via: 'company_sign_in', agent: 'robin@example.com', tenant: 'acme' });
    const target = await backendTarget(settings);
    const { rows } = await backend.db.query<{ name: string; origin: string; tenant_id: string }>('SELECT name, origin, tenant_id FROM tokens');
    expect(rows).toEqual([{ name: 'robin@example.com', origin: 'oidc', tenant_id: 'acme' }]);
    // The token works, and the backend files what it syncs under the company email.
    const clientId = crypto.randomUUID();
    const res = await fetch(`${backend.url}/v1/sync`, { method: 'POST', headers: { authorization: `Bearer ${target!.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ clientId, annotations: [makeAnnotation('adoption', clientId)] }) });
    expect(res.status).toBe(200);
    expect((await backend.db.query<{ agent: string }>('SELECT agent FROM annotations')).rows).toEqual([{ agent: 'robin@example.com' }]);

    // The options page offers it, naming the provider.
    const outbox = new OverlayDb(`aitl-sign-in-outbox-${crypto.randomUUID()}`);
    const view = await new AgentEnrolment({ settings, outbox, loop }).view();
    expect(view).toMatchObject({ state: 'enrolled', agent: 'robin@example.com', via: 'company_sign_in', companySignIn: { issuer: provider.issuer } });
    outbox.close();
  });

  it('shows the backend refusing an account outside the allowed domains, and keeps no token', async () => {
    const loop = { request: vi.fn(async () => null) };
    await expect(signInWithCompany({ settings, loop, launchWebAuthFlow: userSigningInAs('outsider'), redirectUrl: EXTENSION_REDIRECT })).rejects.toThrow(
      /will not enrol this account \(robin@elsewhere\.io is not at a domain allowed to sign in \(example\.com\); sign in with your work account\)/,
    );
    expect(await backendTarget(settings)).toBeNull();
  });
});
