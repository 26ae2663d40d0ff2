import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser } from 'playwright-core';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, startTestLocal } from '../helpers/local-mode';

const CHROMIUM = '/usr/bin/chromium';

let local: LocalMode;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    // Failing, not skipping: the IDE check is part of the suite. Debian: apt-get install -y chromium
    throw new Error(
      `The IDE check needs Chromium at ${CHROMIUM}: install it with "apt-get install -y chromium".`,
    );
  }
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
    const page = await browser!.newPage();
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
