import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import type { MetricsResponse } from '../../lib/contract/metrics';
import { createToken } from '../../server/src/auth/tokens';
import { agentToken, configure, launchBrowser, panel, startBackend, ZENDESK } from './harness';

test.describe('the overlay on Zendesk', () => {
  test('does nothing on a non-ticket page, binds on a ticket and re-binds on a switch without reload', async () => {
    const backend = await startBackend();
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      await configure(context, extensionId, { backendUrl: backend.url, token: await agentToken(backend), pairwiseSamplingRate: 1 });
      const page = await context.newPage();
      await page.goto(`${ZENDESK}/agent/dashboard`);
      await expect(page.locator('h1')).toHaveText('Dashboard');
      await expect(page.locator('aitl-overlay')).toHaveCount(0);

      await page.goto(`${ZENDESK}/agent/tickets/123`);
      await expect(panel(page)).toHaveAttribute('data-ticket-id', '123');
      await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText('Refund not received');

      await page.click('a[data-test-id="header-tab"][data-entity-id="456"]');
      await expect(page).toHaveURL(/\/agent\/tickets\/456$/);
      await expect(panel(page)).toHaveAttribute('data-ticket-id', '456');
      await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText('Cannot log in after password reset');
      await expect(page.locator('aitl-overlay')).toHaveCount(1);
    } finally {
      await context.close();
      await backend.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  test('renders a hostile ticket inert', async () => {
    const backend = await startBackend();
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      await configure(context, extensionId, { backendUrl: backend.url, token: await agentToken(backend) });
      const page = await context.newPage();
      await page.goto(`${ZENDESK}/agent/tickets/789`);
      const subject = panel(page).getByTestId('aitl-ticket-subject');
      await expect(subject).toHaveText('<img src=x onerror="window.__aitlPwned=1"> refund <script>window.__aitlPwned=2</script>');
      await expect(panel(page).locator('img, script, svg, iframe, [onerror]')).toHaveCount(0);
      expect(await page.evaluate(() => (window as { __aitlPwned?: number }).__aitlPwned)).toBeUndefined();
    } finally {
      await context.close();
      await backend.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });

  test('a ticket page whose primary subject selector broke shows up as a fallback in /v1/metrics', async () => {
    const backend = await startBackend();
    const { context, worker, extensionId, userDataDir } = await launchBrowser();
    try {
      await configure(context, extensionId, { backendUrl: backend.url, token: await agentToken(backend) });
      // Zendesk renamed the subject field's test id: only the third candidate (input[name=subject]) still matches.
      const fixture = fs.readFileSync(new URL('../fixtures/zendesk/agent-workspace.html', import.meta.url), 'utf8');
      await context.route(`${ZENDESK}/agent/tickets/*`, (route) =>
        route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: fixture.replaceAll('data-test-id="omni-header-subject"', 'name="subject"') }),
      );
      const page = await context.newPage();
      await page.goto(`${ZENDESK}/agent/tickets/123`);
      await expect(panel(page).getByTestId('aitl-ticket-subject')).toHaveText('Refund not received');

      const operator = (await createToken(backend.db, { tenantId: 'e2e', role: 'operator', name: 'ops' })).token;
      const health = async () => {
        await worker.evaluate(() => (globalThis as unknown as { aitl: { loop: { request(r: string): Promise<unknown> } } }).aitl.loop.request('manual'));
        const res = await fetch(`${backend.url}/v1/metrics`, { headers: { authorization: `Bearer ${operator}` } });
        return ((await res.json()) as MetricsResponse).adapterHealth;
      };
      // The panel reports a ticket's selectors once it settled (5 s), the next sync carries them.
      await expect.poll(async () => (await health()).length, { timeout: 30_000, intervals: [1_000] }).toBe(1);
      const [day] = await health();
      const version = await worker.evaluate(() => chrome.runtime.getManifest().version);
      expect(day).toMatchObject({ day: new Date().toISOString().slice(0, 10), site: 'zendesk', extensionVersion: version, tickets: 1 });
      expect(day!.selectors).toContainEqual({ selector: 'subject', outcome: 'fallback', candidate: 2, tickets: { rate: 1, numerator: 1, denominator: 1 } });
      expect(day!.selectors).toContainEqual({ selector: 'ticketRoot', outcome: 'primary', candidate: 0, tickets: { rate: 1, numerator: 1, denominator: 1 } });
      expect(day!.selectors.filter((s) => s.selector === 'subject')).toHaveLength(1);
    } finally {
      await context.close();
      await backend.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});

declare const chrome: { runtime: { getManifest(): { version: string } } };
