import { defineConfig } from 'vitest/config';

// Two projects: unit tests make no network calls; integration tests start the
// embedded parts (dynalite, cognito-local, aedes, DuckDB) they need themselves.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Console component tests (.tsx) pick a DOM per file with a `@vitest-environment` comment.
          include: ['test/unit/**/*.test.ts', 'test/unit/**/*.test.tsx'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
        },
      },
    ],
  },
});
