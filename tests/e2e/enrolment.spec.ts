import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Request } from '@playwright/test';
import { createEnrollmentKey } from '../../server/src/enrollment/keys';
import { annotationRows, CASE_PATH, launchBrowser, panel, SALESFORCE, startBackend, ZENDESK, ZENDESK_AGENT } from './harness';
import { EXTENSION_ID, policyFile, skipUnlessPolicyWritable } from './managed-policy';

const POLICY = policyFile('aitl-e2e-enrolment');
const SCREENSHOTS = process.env.AITL_SCREENSHOTS;

test.describe('self-enrolment by policy', () => {
  test.describe.configure({ mode: 'serial' });
  skipUnlessPolicyWritable();

  let backend: Awaited<ReturnType<typeof startBackend>>;
  let enrollmentKey: string;
  test.beforeAll(async () => {
    backend = await startBackend({ demo: true });
    ({ enrollmentKey } = await createEnrollmentKey(backend.db, { tenantId: 'demo', request: { emailDomains: ['acme.example'], name: 'e2e wave' }, actor: 'e2e' }));
    // Machine policy, as an admin's rollout sets it: the backend and the key, no token.
    POLICY.write({ backendUrl: backend.url, enrollmentKey });
  });
  test.afterAll(async () => {
    // Never leave a policy behind on the machine, whatever happened in the tests.
    POLICY.remove();
    await backend?.close();
    if (backend) fs.rmSync(backend.dataDir, { recursive: true, force: true });
  });

  test('the first ticket page enrols the Zendesk agent; annotations carry their email; nobody typed a token', async () => {
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      expect(extensionId).toBe(EXTENSION_ID);
      const meRequests: Request[] = [];
      context.on('request', (r) => void (new URL(r.url()).pathname === '/api/v2/users/me.json' && meRequests.push(r)));
      const page = await context.newPage();
      await page.goto(`${ZENDESK}/agent/tickets/123`);
      // Suggestions load, so the backend accepted a token this browser was never given.
      const article = panel(page).getByTestId('aitl-article').first();
      await expect(article).toBeVisible();
      await article.locator('[data-testid="aitl-relevance"][data-label="relevant"]').click();

      let rows: Awaited<ReturnType<typeof annotationRows>> = [];
      await expect.poll(async () => (rows = await annotationRows(backend)).length, { timeout: 30_000 }).toBe(1);
      expect(rows[0]).toMatchObject({ type: 'relevance', ticket_id: '123', agent: 'sam.agent@acme.example' });
      // The token behind the annotation was issued by enrolment with the policy's key, for that agent, in the key's tenant.
      const { rows: tokens } = await backend.db.query<{ origin: string; name: string; tenant_id: string }>(
        'SELECT t.origin, t.name, t.tenant_id FROM tokens t JOIN annotations a ON a.token_id = t.id',
      );
      expect(tokens).toEqual([{ origin: 'enrollment', name: 'sam.agent@acme.example', tenant_id: 'demo' }]);
      // Zendesk was asked who is signed in, once, from the page's origin with its session.
      expect(meRequests).toHaveLength(1);
      expect(meRequests[0]!.headers()['sec-fetch-site'] ?? 'same-origin').toBe('same-origin');
      expect(ZENDESK_AGENT.email.toLowerCase()).toBe('sam.agent@acme.example');

      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      await expect(options.getByTestId('aitl-enrolment')).toHaveAttribute('data-state', 'enrolled');
      await expect(options.getByTestId('aitl-enrolled-as')).toContainText('Enrolled as sam.agent@acme.example in demo');
      await expect(options.getByTestId('aitl-option-token')).toHaveValue('');
      await expect(options.getByTestId('aitl-locked-enrollmentKey')).toHaveCount(0);
      if (SCREENSHOTS) await options.screenshot({ path: path.join(SCREENSHOTS, 'options-enrolled.png'), fullPage: true });
      // Neither the key nor the token is anywhere an extension page can read.
      const html = await options.content();
      expect(html).not.toContain(enrollmentKey);
      expect(html).not.toMatch(/aitl_agent_[0-9a-f]{64}/);

      // A second ticket page does not enrol again (one token per device).
      await page.goto(`${ZENDESK}/agent/tickets/456`);
      await expect(panel(page).getByTestId('aitl-article').first()).toBeVisible();
      expect(meRequests).toHaveLength(1);
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  test('a Salesforce case page enrols the user Lightning names; the same agent on a second device gets its own token', async () => {
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      const page = await context.newPage();
      await page.goto(`${SALESFORCE}${CASE_PATH}`);
      const article = panel(page).getByTestId('aitl-article').first();
      await expect(article).toBeVisible();
      await article.locator('[data-testid="aitl-relevance"][data-label="partial"]').click();
      await expect
        .poll(async () => (await annotationRows(backend)).filter((r) => r.type === 'relevance' && r.ticket_id === '5005g00000AbCdEAAV').map((r) => r.agent), { timeout: 30_000 })
        .toEqual(['sam.agent@acme.example']);
      // The Zendesk device's token and this one: one agent, two devices, both tokens active.
      const { rows } = await backend.db.query<{ n: number }>("SELECT count(*)::int AS n FROM tokens WHERE origin = 'enrollment' AND name = 'sam.agent@acme.example' AND revoked_at IS NULL");
      expect(rows[0]!.n).toBe(2);
      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      await expect(options.getByTestId('aitl-enrolled-as')).toContainText('Enrolled as sam.agent@acme.example in demo (your Salesforce account');
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  test('when Zendesk will not say who is signed in, the panel and the options page say so and offer the token path', async () => {
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      // Routes added later win: this Zendesk answers "not signed in".
      await context.route(`${ZENDESK}/api/v2/users/me.json`, (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"Couldn\'t authenticate you"}' }));
      const page = await context.newPage();
      await page.goto(`${ZENDESK}/agent/tickets/123`);
      await expect(panel(page).getByTestId('aitl-error')).toContainText('AITL could not read who is signed in to Zendesk (/api/v2/users/me.json answered 401)');
      await expect(panel(page).getByTestId('aitl-error')).toContainText('Open the AITL options (its toolbar icon → Options) and paste an agent token from your AITL admin instead.');

      const options = await context.newPage();
      await options.goto(`chrome-extension://${extensionId}/options.html`);
      await expect(options.getByTestId('aitl-enrolment')).toHaveAttribute('data-state', 'no_identity');
      await expect(options.getByTestId('aitl-enrolment-message')).toContainText('could not read who is signed in to Zendesk');
      await options.getByTestId('aitl-use-token').click();
      await expect(options.getByTestId('aitl-option-token')).toBeFocused();
      if (SCREENSHOTS) await options.screenshot({ path: path.join(SCREENSHOTS, 'options-no-identity.png'), fullPage: true });
      expect(await backend.db.query('SELECT 1 FROM tokens WHERE origin = $1 AND name = $2', ['enrollment', 'nobody'])).toMatchObject({ rows: [] });
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
