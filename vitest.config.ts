import os from 'node:os';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

export default defineConfig({
  test: {
    // Vitest's default is one file fewer than the cores at a time: one on CI's 2 cores, which then
    // sits idle while a file waits on Postgres, a child aitl or RT. Files share nothing (each has
    // its own database, data folder and free ports), so one more file than cores runs at once.
    maxWorkers: (os.availableParallelism?.() ?? os.cpus().length) + 1,
    projects: [
      {
        test: {
          name: 'server',
          include: ['server/test/**/*.test.ts'],
          environment: 'node',
          // Bundles the aitl CLI once for the tests that start it as a process.
          globalSetup: ['server/test/helpers/cli-bundle.ts'],
          // Each file opens its own database (PGlite in memory, or a fresh Postgres database).
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'datasets',
          include: ['datasets/**/*.test.ts'],
          environment: 'node',
          // Each check reads a whole dataset (450 articles) through the importer.
          testTimeout: 60_000,
        },
      },
      {
        // The extension's units: adapters against saved fixture pages, the panel, the outbox
        // (fake IndexedDB, real backend in-process), settings (WXT's fake browser).
        plugins: [WxtVitest()],
        test: {
          name: 'extension',
          include: ['tests/unit/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          // The Salesforce email body lives in nested same-origin iframes.
          environmentOptions: { happyDOM: { settings: { enableIframePageLoading: true } } },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
