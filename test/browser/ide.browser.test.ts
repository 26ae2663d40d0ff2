import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { LocalMode } from '../../local/start-local';
import { ADMIN, startTestLocal } from '../../testkit/local-mode';
import { launchChromium } from '../../testkit/chromium';

let local: LocalMode;
let browser: Browser;

beforeAll(async () => {
  local = await startTestLocal();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await local?.stop();
});

describe('the GraphQL IDE', () => {
  it('loads from the GraphQL URL, signs in against Cognito and runs a query', async () => {
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
