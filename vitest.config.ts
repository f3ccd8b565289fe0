import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'server',
          include: ['server/test/**/*.test.ts'],
          environment: 'node',
          // Each file opens its own database (PGlite in memory, or a fresh Postgres database).
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
