import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, startTestLocal } from '../helpers/local-mode';

// Debian's chromium; CHROMIUM_PATH points elsewhere (e.g. /usr/bin/google-chrome on GitHub's runners).
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

let local: LocalMode;
let browser: Browser | undefined;

beforeAll(async () => {
  // Without a browser the test below fails with the fix; it is not skipped.
  if (!existsSync(CHROMIUM)) return;
  local = await startTestLocal();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

describe('the GraphQL IDE', () => {
  it('loads from the GraphQL URL, signs in against Cognito and runs a query', async () => {
    if (!browser) {
      throw new Error(
        `The IDE check needs Chromium at ${CHROMIUM}: install it ("apt-get install -y chromium") or set CHROMIUM_PATH.`,
      );
    }
    const page = await browser.newPage();
    const failedRequests: string[] = [];
    page.on('requestfailed', (r) => failedRequests.push(r.url()));
    await page.goto(local.outputs.GraphQLUrl);
    await page.fill('#email', ADMIN.email);
    await page.fill('#password', ADMIN.password);
    await Promise.all([page.waitForEvent('load'), page.click('#signin-button')]);
    await page.waitForSelector('text=signed in as admin@example.com (admin)');

    // The default query lists devices; run it with GraphiQL's own button.
    await page.waitForSelector('.graphiql-execute-button');
    await page.click('.graphiql-execute-button');
    await page.waitForFunction(
      `document.querySelector('.result-window')?.textContent?.includes('"devices"')`,
    );
    const result = await page.textContent('.result-window');
    expect(result).toContain('"items"');
    expect(result).not.toContain('errorType');
    // Everything came from the local server: nothing tried to reach a CDN.
    expect(failedRequests).toEqual([]);
  });
});
