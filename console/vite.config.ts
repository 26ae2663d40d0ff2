import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';
import { consoleSourceHash } from './tooling/source-hash.ts';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The console's build: static files with relative URLs (`base: './'`), so the
 * same build works at /console on the local server and at the root of
 * CloudFront. build-info.json records the hash of the sources it was built
 * from; `npm start` and the CDK asset rebuild when it no longer matches.
 */
export default defineConfig({
  root,
  base: './',
  publicDir: false,
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1200,
  },
  oxc: { jsx: { runtime: 'automatic' } },
  // `npm run console:dev`: config.json from a running local mode (CONSOLE_API, default port 4000).
  server: {
    proxy: {
      '/config.json': {
        target: process.env.CONSOLE_API ?? 'http://127.0.0.1:4000',
        rewrite: () => '/console/config.json',
      },
    },
  },
  plugins: [
    {
      name: 'yvr-build-info',
      apply: 'build',
      generateBundle() {
        this.emitFile({
          type: 'asset',
          fileName: 'build-info.json',
          source: `${JSON.stringify({ sourceHash: consoleSourceHash(root), builtAt: new Date().toISOString() }, null, 2)}\n`,
        });
      },
    },
  ],
});
