import { defineConfig } from '@playwright/test';

/**
 * Browser tests of the built extension (.output/chrome-mv3, from `wxt build`) in Debian's
 * Chromium, against the real backend. Nothing is downloaded: the browser is /usr/bin/chromium.
 */

/**
 * Specs that run with no other browser open, one at a time, after all the others: those that
 * write Chromium's machine policy (/etc/chromium/policies/managed, tests/e2e/managed-policy.ts),
 * which every Chromium on the machine reads, and the outbox's kill-and-restart timings.
 * `npm run test:e2e` runs them even when a spec before them failed (`--no-deps`).
 */
const ALONE = ['**/policy.spec.ts', '**/enrolment.spec.ts', '**/company-sign-in.spec.ts', '**/outbox.spec.ts'];

export default defineConfig({
  testDir: 'tests/e2e',
  // Bundles the aitl CLI once for the specs that start it as a process (outbox.spec.ts).
  globalSetup: './server/test/helpers/cli-bundle.ts',
  // Two spec files at a time (each launches its own Chromium and backend, on free ports; the demo
  // spec alone takes 8788); the tests inside a file run in order. Much of a browser test is
  // waiting (the extension's sync, the backend, the page), so two browsers fit CI's 2 cores.
  workers: 2,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: process.env.CI ? 'list' : [['list']],
  use: { trace: 'retain-on-failure' },
  projects: [
    { name: 'chromium', testIgnore: ALONE },
    // Starts once every other spec is done, so no other browser is open while a policy file exists.
    { name: 'alone', testMatch: ALONE, dependencies: ['chromium'], workers: 1 },
  ],
});
