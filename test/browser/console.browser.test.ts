import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import type { LocalMode } from '../../local/start-local';
import { Station } from '../../local/simulator/station';
import { ensureConsoleBuilt } from '../../console/tooling/build-console';
import { ADMIN, startTestLocal } from '../../testkit/local-mode';
import { launchChromium } from '../../testkit/chromium';
import { repoRoot } from '../unit/infra/build';

/**
 * The operator console in headless Chromium against the local mode, through
 * its real faces only: the browser signs in against cognito-local with
 * Amplify, a simulated station talks MQTT, and every page is photographed at
 * desktop and phone width into test-results/screenshots/ (git-ignored; CI keeps it).
 */
export const SCREENSHOTS = join(repoRoot, 'test-results', 'screenshots');
const VIEWPORTS = { desktop: { width: 1280, height: 900 }, phone: { width: 390, height: 844 } } as const;
const DEVICE = 'console-1';

let local: LocalMode;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let station: Station | undefined;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await ensureConsoleBuilt();
  local = await startTestLocal();
  browser = await launchChromium();
  // The GraphQL port's TLS certificate (wss:// for Amplify) is signed by the local CA (outputs'
  // CaCertificateFile), which this Chromium profile does not trust.
  context = await browser.newContext({ viewport: VIEWPORTS.desktop, ignoreHTTPSErrors: true });
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await station?.stop();
  await browser?.close();
  await local?.stop();
});

const consoleUrl = () => local.outputs.GraphQLUrl.replace(/\/graphql$/, '/console/');

/** The page at both widths, full length; returns to desktop. */
async function photograph(p: Page, name: string) {
  for (const [width, viewport] of Object.entries(VIEWPORTS)) {
    await p.setViewportSize(viewport);
    await p.waitForTimeout(150);
    await p.screenshot({ path: join(SCREENSHOTS, `${name}-${width}.png`), fullPage: true });
  }
  await p.setViewportSize(VIEWPORTS.desktop);
}

async function signInAs(p: Page, email: string, password: string) {
  await p.goto(consoleUrl());
  await p.getByLabel('Email').fill(email);
  await p.getByLabel('Password', { exact: true }).fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
}

describe('the operator console', () => {
  it('serves the built console at /console and its config from the local outputs', async () => {
    const response = await fetch(`${consoleUrl()}config.json`);
    expect(response.status).toBe(200);
    const config = (await response.json()) as Record<string, string>;
    expect(config).toMatchObject({
      UserPoolId: local.outputs.UserPoolId,
      UserPoolClientId: local.outputs.UserPoolClientId,
      AuthFlowType: 'USER_PASSWORD_AUTH',
    });
    expect(new URL(config.GraphQLUrl!).port).toBe(new URL(local.outputs.GraphQLUrl).port);
    const traversal = await fetch(`${consoleUrl()}..%2f..%2fpackage.json`);
    expect(traversal.status).not.toBe(200);
  });

  it('signs in with email and password and shows the empty stations list', async () => {
    await page.goto(consoleUrl());
    await page.getByRole('heading', { name: 'YVR water quality' }).waitFor();
    await photograph(page, 'sign-in');
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill('wrong-Password1!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page
      .getByRole('alert')
      .getByText(/Wrong email or password/)
      .waitFor();

    await signInAs(page, ADMIN.email, ADMIN.password);
    await page.getByRole('heading', { name: 'Stations' }).waitFor();
    await page.getByText('No stations yet.').waitFor();
    // An admin sees the admin pages.
    await expect(page.getByRole('link', { name: 'Accounts' }).count()).resolves.toBe(1);
  });

  it('creates a station, shows the API validation message on the field it names, then saves a sensor as PENDING', async () => {
    await page.getByRole('button', { name: 'Add station' }).click();
    await page.getByLabel('Station id').fill(DEVICE);
    await page.getByLabel('Name').fill('Console buoy');
    // Every 2 s: an hour is then 1800 readings, which the chart shows as raw points.
    await page.getByLabel('Reporting interval (seconds)').fill('2');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByRole('heading', { name: /Console buoy/ }).waitFor();
    await expect(page.getByTestId('config-status').first().textContent()).resolves.toBe('PENDING v1');

    await page.getByRole('button', { name: 'Add sensor' }).click();
    await page.locator('#cfg-input-sensors-0-id').fill('ph');
    await page.locator('#cfg-input-sensors-0-measurement').fill('ph');
    await page.locator('#cfg-input-sensors-0-unit').fill('pH');
    await page.locator('#cfg-input-sensors-0-min').fill('9');
    await page.locator('#cfg-input-sensors-0-max').fill('6');
    await page.locator('#cfg-input-sensors-0-calibration').fill('0=0; 4095=14');
    await page.getByRole('button', { name: 'Save config' }).click();
    const minError = page.locator('#cfg-input-sensors-0-min-error');
    await minError.waitFor();
    expect(await minError.textContent()).toContain('less than or equal to max');
    await expect(page.locator('#cfg-input-sensors-0-min').getAttribute('aria-invalid')).resolves.toBe('true');

    await page.locator('#cfg-input-sensors-0-min').fill('6.5');
    await page.locator('#cfg-input-sensors-0-max').fill('8.5');
    await page.getByRole('button', { name: 'Save config' }).click();
    await page.getByText('Saved as version 2').waitFor();
    await expect(page.getByTestId('config-status').first().textContent()).resolves.toBe('PENDING v2');
    await page.getByTestId('version-2').waitFor();
  });

  it('goes from PENDING to APPLIED when the simulated station acknowledges, and charts its readings as they arrive', async () => {
    station = new Station({
      deviceId: DEVICE,
      mqttUrl: local.outputs.MqttUrl,
      legacy: false,
      intervalMs: 2_000,
      onSent: () => undefined,
      onAck: () => undefined,
      onLog: () => undefined,
    });
    await station.start();
    await page
      .getByTestId('config-status')
      .first()
      .filter({ hasText: /^APPLIED v2$/ })
      .waitFor({ timeout: 30_000 });
    // The first reading appears in the latest values, then the chart's live tail grows.
    await page
      .getByTestId('latest-ph')
      .locator('.value')
      .filter({ hasText: /pH$/ })
      .waitFor({ timeout: 30_000 });
    await page.getByLabel('Range').selectOption('1h');
    await page.getByText('raw points').waitFor();
    const chart = page.getByTestId('chart-ph');
    const before = Number(await chart.getAttribute('data-points'));
    // Evaluated in the page (hence a string: this file is compiled without the DOM types).
    await page.waitForFunction(
      `Number(document.querySelector('[data-testid="chart-ph"]')?.getAttribute('data-points')) > ${before}`,
      undefined,
      { timeout: 30_000 },
    );
    await photograph(page, 'station');
  });

  it('holds its subscriptions live over wss:// through the local CA, so no page falls back to polling', async () => {
    await page
      .getByTestId('live-state')
      .filter({ hasText: /^Live$/ })
      .waitFor({ timeout: 15_000 });
  });

  it('lists the station with its status, last seen and alerts on the stations page', async () => {
    await page.getByRole('link', { name: 'Stations' }).click();
    const row = page.getByTestId(`station-${DEVICE}`);
    await row.waitFor();
    expect(await row.textContent()).toMatch(/APPLIED v2/);
    expect(await row.textContent()).toMatch(/s ago|min ago/);
    await photograph(page, 'stations');
  });

  it('shows the rejected messages and the accounts to an admin', async () => {
    await page.getByRole('link', { name: 'Rejected messages' }).click();
    await page.getByRole('heading', { name: 'Rejected messages' }).waitFor();
    await page
      .getByText(/No rejected messages|Replay/)
      .first()
      .waitFor();
    await photograph(page, 'rejected');
    await page.getByRole('link', { name: 'Accounts' }).click();
    await page.getByTestId(`account-${ADMIN.email}`).waitFor();
    await photograph(page, 'accounts');
  });

  it('opens an alert when the readings breach the limits and acknowledges it', async () => {
    await page.goto(`${consoleUrl()}#/stations/${DEVICE}`);
    await page.locator('#cfg-input-sensors-0-min').fill('0');
    await page.locator('#cfg-input-sensors-0-max').fill('1');
    await page.getByRole('button', { name: 'Save config' }).click();
    await page.getByText('Saved as version 3').waitFor();
    await page.getByRole('link', { name: 'Alerts' }).click();
    await page.getByRole('heading', { name: 'Alerts' }).waitFor();
    // Every state: the acknowledged alert then stays in the list and changes in place (the default,
    // OPEN only, would drop it).
    await page.locator('#alert-state').selectOption('ALL');
    const acknowledge = page.getByRole('button', { name: 'Acknowledge' }).first();
    await acknowledge.waitFor({ timeout: 30_000 });
    await photograph(page, 'alerts');
    await page.getByLabel('Note (optional)').first().fill('probe checked');
    await acknowledge.click();
    await page.locator('.badge.alert-state-acknowledged').first().waitFor({ timeout: 30_000 });
    await page
      .getByText(/acknowledged .* by /)
      .first()
      .waitFor();
  });

  it('makes a new account choose its password (NEW_PASSWORD_REQUIRED) and shows a user no admin page', async () => {
    const cognito = new CognitoIdentityProviderClient({
      endpoint: local.outputs.CognitoEndpoint,
      region: local.outputs.Region,
      credentials: local.credentials,
    });
    const email = 'operator@example.com';
    const created = await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: local.outputs.UserPoolId,
        Username: email,
        TemporaryPassword: 'Temp-Pass1!',
        MessageAction: 'SUPPRESS',
        UserAttributes: [{ Name: 'email', Value: email }],
      }),
    );
    await cognito.send(
      new AdminAddUserToGroupCommand({
        UserPoolId: local.outputs.UserPoolId,
        Username: created.User!.Username!,
        GroupName: 'user',
      }),
    );
    cognito.destroy();

    const other = await context.browser()!.newPage({ viewport: VIEWPORTS.desktop, ignoreHTTPSErrors: true });
    await signInAs(other, email, 'Temp-Pass1!');
    await other.getByLabel('New password', { exact: true }).fill('Chosen-Pass2!');
    await other.getByLabel('Repeat the new password').fill('Chosen-Pass2!');
    await other.getByRole('button', { name: 'Set password and sign in' }).click();
    await other.getByRole('heading', { name: 'Stations' }).waitFor();
    expect(await other.getByRole('link', { name: 'Accounts' }).count()).toBe(0);
    expect(await other.getByRole('button', { name: 'Add station' }).count()).toBe(0);
    await other.getByRole('link', { name: 'Console buoy' }).click();
    await other.getByRole('heading', { name: /Config \(read-only/ }).waitFor();
    expect(await other.getByRole('button', { name: 'Save config' }).count()).toBe(0);
    await other.close();
  });

  it('raised no uncaught error in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
