import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser } from 'playwright-core';
import type { LocalMode } from '../../local/start-local';
import { trustInNss } from '../../local/trust-ca';
import { FLOW_STEPS, type FlowStep } from '../helpers/amplify-flow';
import { ADMIN, publishConfigAck, startTestLocal, tempDir } from '../../testkit/local-mode';
import { launchChromium } from '../../testkit/chromium';

// Issue 11 item 5: the real aws-amplify package, bundled for a page on another origin, in headless
// Chromium against the local mode. The browser trusts the local CA as `npm run trust-ca` makes a
// Linux browser trust it (an NSS database under $HOME), not by ignoring certificate errors.

const data = tempDir('yvr-amplify-browser-');
const home = tempDir('yvr-amplify-home-');
let local: LocalMode;
let browser: Browser;
let site: Server;
let siteOrigin: string;
let steps: FlowStep[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  local = await startTestLocal({ dataDir: data.dir });
  trustInNss(local.outputs.CaCertificateFile, join(home.dir, '.pki', 'nssdb'));

  const bundle = await build({
    entryPoints: ['test/browser/amplify-page.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.contents;
  site = createServer((req, res) => {
    if (req.url === '/app.js')
      return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end('<!doctype html><title>dashboard</title><script type="module" src="/app.js"></script>');
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  // Another origin than the API's: another host name and another port.
  siteOrigin = `http://localhost:${(site.address() as AddressInfo).port}`;

  browser = await launchChromium([], { HOME: home.dir });
  const page = await browser.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  await page.exposeFunction('publishAck', (deviceId: string, version: number) =>
    publishConfigAck(local.outputs.MqttUrl, deviceId, version),
  );
  await page.goto(`${siteOrigin}/`);
  await page.waitForFunction(() => typeof (globalThis as { runFlow?: unknown }).runFlow === 'function');
  steps = (await page.evaluate(
    (input) => (globalThis as unknown as { runFlow(i: unknown): Promise<unknown> }).runFlow(input),
    {
      outputs: local.outputs,
      email: ADMIN.email,
      password: ADMIN.password,
      deviceId: 'amplify-browser-1',
    },
  )) as FlowStep[];
  console.log(steps.map((s) => `${s.ok ? 'PASS' : 'FAIL'} ${s.step}: ${s.detail}`).join('\n'));
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (site ? site.close(() => resolve()) : resolve()));
  await local?.stop();
  data.remove();
  home.remove();
});

describe('aws-amplify 6 in headless Chromium, from another origin', () => {
  it('serves the page from another origin than the API', () => {
    expect(new URL(local.outputs.GraphQLUrl).origin).not.toBe(siteOrigin);
    expect(new URL(local.outputs.CognitoEndpoint).origin).not.toBe(siteOrigin);
  });

  it('runs every step of the flow', () => {
    expect(steps.map((s) => s.step)).toEqual([...FLOW_STEPS]);
  });

  it.each(FLOW_STEPS.map((s) => [s]))('passes the step "%s"', (name) => {
    const step = steps.find((s) => s.step === name);
    expect(step, pageErrors.join('\n')).toBeDefined();
    expect(step!.ok, `${step!.detail}\n${pageErrors.join('\n')}`).toBe(true);
  });
});
