import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the built extension (.output/chrome-mv3, from `wxt build`) in Debian's
 * Chromium, against the real backend. Nothing is downloaded: the browser is /usr/bin/chromium.
 */
export default defineConfig({
  testDir: 'tests/e2e',
  // One browser at a time: each test launches Chromium with the extension, and CI has 2 cores.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? 'list' : [['list']],
  use: { trace: 'retain-on-failure' },
});
