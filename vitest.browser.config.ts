import { defineConfig } from 'vitest/config';

// The browser tier (`npm run test:browser`): headless Chromium (Debian's, driven
// by playwright-core) against the local mode. Kept out of `npm test`, which
// needs only Node and npm.
export default defineConfig({
  test: {
    name: 'browser',
    include: ['test/browser/**/*.browser.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
