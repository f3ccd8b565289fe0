import fs from 'node:fs';
import { expect, test } from '@playwright/test';
import { launchBrowser } from './harness';
import { EXTENSION_ID, policyFile, skipUnlessPolicyWritable } from './managed-policy';

const POLICY = policyFile('aitl-e2e-test');

test.describe('enterprise policy', () => {
  skipUnlessPolicyWritable();
  // Never leave a policy behind on the machine, whatever happens in the test.
  test.afterEach(() => POLICY.remove());

  test('the managed policy is read, wins, and locks the options', async ({}, testInfo) => {
    POLICY.write({ backendUrl: 'https://aitl.corp.example/', pairwiseSamplingRate: 0.25, enabledSites: ['zendesk'] });
    const { context, extensionId, userDataDir } = await launchBrowser();
    try {
      expect(extensionId).toBe(EXTENSION_ID);
      const page = await context.newPage();
      await page.goto(`chrome-extension://${extensionId}/options.html`);
      await expect(page.getByTestId('aitl-option-backendUrl')).toHaveValue('https://aitl.corp.example');
      await expect(page.getByTestId('aitl-option-backendUrl')).toBeDisabled();
      await expect(page.getByTestId('aitl-locked-backendUrl')).toBeVisible();
      // Said in words, with a padlock drawn in SVG (an emoji shows as an empty box without an emoji font).
      await expect(page.getByTestId('aitl-locked-backendUrl')).toHaveText('Set by your administrator');
      await expect(page.getByTestId('aitl-locked-backendUrl').locator('svg')).toBeVisible();
      await expect(page.getByTestId('aitl-locked-pairwiseSamplingRate')).toBeVisible();
      await expect(page.getByTestId('aitl-locked-enabledSites')).toBeVisible();
      await expect(page.getByTestId('aitl-locked-token')).toHaveCount(0);
      await expect(page.getByTestId('aitl-option-pairwiseSamplingRate')).toHaveValue('0.25');
      await expect(page.getByTestId('aitl-option-pairwiseSamplingRate')).toBeDisabled();
      await expect(page.getByTestId('aitl-option-site-salesforce')).not.toBeChecked();
      await expect(page.getByTestId('aitl-option-site-salesforce')).toBeDisabled();
      // Not set by policy: still the agent's to set.
      await expect(page.getByTestId('aitl-option-token')).toBeEnabled();
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.screenshot({ path: testInfo.outputPath('options-locked-1280.png'), fullPage: true });
      // A page that tries anyway is refused by the background.
      const reply = await page.evaluate(() => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }).chrome.runtime.sendMessage({ aitl: 'call', service: 'pages', method: 'saveSettings', args: [{ backendUrl: 'https://elsewhere.example' }] }));
      expect(reply).toMatchObject({ ok: false, error: { message: expect.stringMatching(/administrator/) } });
    } finally {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    }
  });
});
