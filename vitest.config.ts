import { defineConfig } from 'vitest/config';

// Three projects, run in CI order by `npm test` (see package.json):
//   unit        — pure domain code, electron shell with `electron` replaced, HQ units (Node)
//   integration — a real HQ (PGlite and PostgreSQL) with real RxDB clients
//   e2e         — Playwright driving Debian Chromium against the built renderer and a real HQ
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.{ts,tsx}'],
          environment: 'node',
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
