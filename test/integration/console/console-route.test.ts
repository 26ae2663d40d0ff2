import { createServer, get, type Server } from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseRequestTarget } from '../../../local/server/request-target';
import { serveConsole } from '../../../local/server/console-route';
import { tempDir } from '../../../testkit/local-mode';

/** The local server's /console route on its own, over real HTTP, with a made-up build. */
const build = tempDir('yvr-console-route-');
const missing = tempDir('yvr-console-missing-');
let server: Server;
let base: string;

beforeAll(async () => {
  mkdirSync(join(build.dir, 'assets'));
  writeFileSync(
    join(build.dir, 'index.html'),
    '<!doctype html><script type="module" src="./assets/a.js"></script>',
  );
  writeFileSync(join(build.dir, 'assets', 'a.js'), 'console.log(1)');
  writeFileSync(join(build.dir, '..', 'secret.txt'), 'not for browsers');
  const config = () => ({
    GraphQLUrl: 'http://127.0.0.1:4000/graphql',
    CognitoEndpoint: 'http://127.0.0.1:9229',
    Region: 'local',
  });
  server = createServer((req, res) => {
    const dir = req.url?.includes('missing') ? missing.dir : build.dir;
    const url = req.url?.replace('/missing', '') ?? '/';
    req.url = url;
    if (!serveConsole(req, res, { dir, config }, parseRequestTarget(url)!))
      res.writeHead(404).end('not the console');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  build.remove();
  missing.remove();
});

describe('the /console route', () => {
  it('redirects /console to /console/ so the relative asset URLs resolve', async () => {
    const response = await fetch(`${base}/console`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/console/');
  });

  it('serves index.html uncached and hashed assets for a year', async () => {
    const index = await fetch(`${base}/console/`);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const asset = await fetch(`${base}/console/assets/a.js`);
    expect(await asset.text()).toBe('console.log(1)');
    expect(asset.headers.get('content-type')).toContain('text/javascript');
    expect(asset.headers.get('cache-control')).toContain('immutable');
  });

  it('writes config.json with the host the browser used', async () => {
    // fetch() will not send another Host header: node:http does.
    const body = await new Promise<string>((resolve, reject) => {
      get(`${base}/console/config.json`, { headers: { host: 'laptop.lan:4000' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({
      GraphQLUrl: 'http://laptop.lan:4000/graphql',
      CognitoEndpoint: 'http://laptop.lan:9229/',
      Region: 'local',
    });
  });

  it.each(['/console/..%2fsecret.txt', '/console/%2e%2e/secret.txt', '/console/assets/..%2f..%2fsecret.txt'])(
    'never serves a file outside the build: %s',
    async (path) => {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(await response.text()).not.toContain('not for browsers');
    },
  );

  it('answers 404 for a file the build lacks and 405 for a POST', async () => {
    expect((await fetch(`${base}/console/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/console/`, { method: 'POST' })).status).toBe(405);
  });

  it('says how to build the console when it is not built', async () => {
    const response = await fetch(`${base}/missing/console/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run console:build');
  });

  it('leaves every other path to the next route', async () => {
    expect(await (await fetch(`${base}/consoles`)).text()).toBe('not the console');
  });
});
