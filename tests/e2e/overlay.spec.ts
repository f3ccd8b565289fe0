import fs from 'node:fs';
import { expect, test } from '@playwright/test';
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
});
