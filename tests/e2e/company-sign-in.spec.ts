import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { CLIENT_ID, startOidcProvider, type TestProvider } from '../../server/test/helpers/oidc-provider';
import { launchBrowser, startBackend } from './harness';
import { policyFile, skipUnlessPolicyWritable } from './managed-policy';

const POLICY = policyFile('aitl-e2e-company-sign-in');
const SCREENSHOTS = process.env.AITL_SCREENSHOTS;

test.describe('company sign-in', () => {
  skipUnlessPolicyWritable();

  let provider: TestProvider;
  let backend: Awaited<ReturnType<typeof startBackend>>;
  test.beforeAll(async () => {
    // launchWebAuthFlow's window is the browser's own (Playwright cannot drive it): the provider's
    // sign-in page answers as if Robin had typed their account in.
    provider = await startOidcProvider({ robin: { email: 'Robin@Example.com', emailVerified: true } }, { signsIn: 'robin' });
    backend = await startBackend({ env: { AITL_OIDC_ISSUER: provider.issuer, AITL_OIDC_CLIENT_ID: CLIENT_ID, AITL_OIDC_TENANT: 'acme', AITL_OIDC_EMAIL_DOMAINS: 'example.com' } });
    // Only the backend: the provider comes from GET /v1/enroll.
    POLICY.write({ backendUrl: backend.url });
  });
  test.afterAll(async () => {
    POLICY.remove();
    await backend?.close();
    await provider?.close();
    if (backend) fs.rmSync(backend.dataDir, { recursive: true, force: true });
  });

  test('the options page signs the agent in through launchWebAuthFlow and shows who they are', async () => {
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      const button = options.getByTestId('aitl-company-sign-in');
      await expect(button).toBeVisible();
      if (SCREENSHOTS) await options.screenshot({ path: path.join(SCREENSHOTS, 'options-company-sign-in.png'), fullPage: true });
      await button.click();
      await expect(options.getByTestId('aitl-enrolled-as')).toContainText('Enrolled as robin@example.com in acme (company sign-in', { timeout: 30_000 });
      if (SCREENSHOTS) await options.screenshot({ path: path.join(SCREENSHOTS, 'options-signed-in.png'), fullPage: true });
      const { rows } = await backend.db.query<{ name: string; origin: string }>('SELECT name, origin FROM tokens');
      expect(rows).toEqual([{ name: 'robin@example.com', origin: 'oidc' }]);
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
