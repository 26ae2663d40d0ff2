import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium; CHROMIUM_PATH points elsewhere (e.g. /usr/bin/google-chrome on GitHub's runners). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Launches headless Chromium for the browser tier (`npm run test:browser`).
 * Fails with what to do when the browser is missing: the browser tier never
 * skips silently.
 */
export async function launchChromium(
  extraArgs: readonly string[] = [],
  /** Extra environment for the browser, e.g. HOME, whose ~/.pki/nssdb holds the certificates it trusts. */
  env: Record<string, string> = {},
): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `The browser tier needs Chromium at ${CHROMIUM_PATH}: install it ("apt-get install -y chromium") or set CHROMIUM_PATH.`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    env: { ...process.env, ...env } as Record<string, string>,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
