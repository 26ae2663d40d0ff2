import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import mqtt from 'mqtt';
import type { Page } from 'playwright-core';
import type { BenchFigure, BenchSection } from '../lib';
import { percentile } from '../lib';
import { startLocal } from '../../local/start-local';
import { CONSOLE_DIST, ensureConsoleBuilt } from '../../console/tooling/build-console';
import { SENSOR_PROFILES, sensorInputs } from '../../local/simulator/sensors';
import { launchChromium } from '../../testkit/chromium';
import { ADMIN, FREE_PORTS, gql, signIn } from '../../testkit/local-mode';

const DEVICE = 'bench-console';
const WEEK_MS = 7 * 86_400_000;
const EVERY_MS = 600_000;
const RUNS = 5;

/**
 * The operator console's budgets (issue 17): the initial JavaScript,
 * gzipped; the station page's time to interactive on the local mode (config,
 * sign-in state, the device, its latest values and ten charts drawn); and
 * the longest frame while a week of 10-minute data of ten sensors is charted.
 * Headless Chromium (Debian's) on this machine's shared cores.
 */
export default async function consoleBench(): Promise<BenchSection> {
  const figures: BenchFigure[] = [];
  const notes: string[] = [];
  await ensureConsoleBuilt();

  const initialKb = initialJavaScriptGzipKb();
  figures.push({
    name: 'initial JavaScript (gzipped)',
    value: initialKb,
    unit: 'KB',
    target: '< 300 KB',
    met: initialKb < 300,
  });

  const local = await startLocal({ ports: FREE_PORTS, admin: ADMIN, batch: { windowMs: 200 } });
  const browser = await launchChromium();
  try {
    const { accessToken } = await signIn(local.outputs, ADMIN.email, ADMIN.password);
    const created = await gql(
      local.outputs,
      accessToken,
      'mutation C($i: CreateDeviceInput!) { createDevice(input: $i) { id } }',
      {
        i: { id: DEVICE, name: 'Bench console buoy', sensorIntervalMs: EVERY_MS, sensors: sensorInputs() },
      },
    );
    if (created.errors?.length) throw new Error(JSON.stringify(created.errors));
    const messages = await seedWeek(local.outputs.MqttUrl);
    await waitForReadings(local.outputs, accessToken, messages);
    notes.push(`${messages} messages of ten sensors seeded: a week at one per 10 minutes`);

    const consoleUrl = local.outputs.GraphQLUrl.replace(/\/graphql$/, '/console/');
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(consoleUrl);
    await page.getByLabel('Email').fill(ADMIN.email);
    await page.getByLabel('Password', { exact: true }).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Stations' }).waitFor();

    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const started = Date.now();
      await page.goto(`${consoleUrl}#/stations/${DEVICE}`);
      await page.reload();
      await chartsDrawn(page, 10);
      // The first load warms the server and the browser's cache, as a second visit would be.
      if (i > 0) times.push(Date.now() - started);
    }
    const median = percentile(times, 50);
    figures.push({
      name: 'station page interactive (median of 5, 24 h of 10 sensors)',
      value: median,
      unit: 'ms',
      target: '< 1000 ms',
      met: median < 1000,
    });
    figures.push({ name: 'station page interactive (slowest of 5)', value: Math.max(...times), unit: 'ms' });

    const frames: number[] = [];
    let points = 0;
    for (let i = 0; i < 3; i++) {
      await page.getByLabel('Range').selectOption('24h');
      // The 24-hour charts (145 points each) have replaced the week before the week is asked for again.
      await page.waitForFunction(
        `[...document.querySelectorAll('[data-testid^="chart-"]')].filter((c) => Number(c.getAttribute('data-points')) < 500).length >= 10`,
        undefined,
        { timeout: 60_000, polling: 200 },
      );
      const run = await longestFrameCharting(page);
      frames.push(run.frame);
      if (run.what) notes.push(`longest frame of run ${i + 1} (${run.frame.toFixed(0)} ms): ${run.what}`);
      points = run.points;
    }
    const medianFrame = percentile(frames, 50);
    figures.push({
      name: 'longest frame charting a week of 10-min data, 10 sensors (median of 3)',
      value: medianFrame,
      unit: 'ms',
      target: '<= 50 ms',
      met: medianFrame <= 50,
    });
    figures.push({ name: 'longest frame (worst of 3)', value: Math.max(...frames), unit: 'ms' });
    figures.push({ name: 'points charted', value: points, unit: 'points' });
    notes.push(
      'frames measured in the page (requestAnimationFrame gaps and long-animation-frame entries) from the range change to the last chart drawn; the data requests overlap it',
    );
  } finally {
    await browser.close();
    await local.stop();
  }
  return { title: 'console', figures, notes };
}

/** The script and modulepreload files index.html loads before anything runs, gzipped (level 9, as CDNs send). */
function initialJavaScriptGzipKb(): number {
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  const files = [
    ...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="\.?\/?([^"]+\.js)"/g),
  ].map((m) => m[1]!);
  if (!files.length) throw new Error('index.html names no script');
  const bytes = files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(CONSOLE_DIST, f)), { level: 9 }).length,
    0,
  );
  return bytes / 1024;
}

/** A week of readings, one message of ten raw values every 10 minutes, published as the station would. */
async function seedWeek(mqttUrl: string): Promise<number> {
  const client = await mqtt.connectAsync(mqttUrl, { clientId: `bench-${DEVICE}` });
  const now = Date.now();
  let n = 0;
  for (let t = now - WEEK_MS; t <= now; t += EVERY_MS) {
    const readings: Record<string, number> = {};
    SENSOR_PROFILES.forEach(
      (p, i) => (readings[p.id] = Math.round(2048 + 900 * Math.sin(t / 3_600_000 + i))),
    );
    await client.publishAsync(`devices/${DEVICE}/readings`, JSON.stringify({ ts: t, seq: ++n, readings }), {
      qos: 1,
    });
  }
  await client.endAsync();
  return n;
}

async function waitForReadings(outputs: Parameters<typeof gql>[0], token: string, expected: number) {
  const from = new Date(Date.now() - WEEK_MS - 60_000).toISOString();
  const to = new Date(Date.now() + 60_000).toISOString();
  for (let i = 0; i < 600; i++) {
    const r = await gql<{ readings: { items: unknown[] } }>(
      outputs,
      token,
      'query R($d: ID!, $f: AWSDateTime!, $t: AWSDateTime!) { readings(deviceId: $d, sensor: "tbd", from: $f, to: $t, limit: 1000) { items { time } nextToken } }',
      { d: DEVICE, f: from, t: to },
    );
    if ((r.data?.readings.items.length ?? 0) >= Math.min(expected, 1000)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('the seeded readings did not arrive');
}

/** Waits until `count` charts have points and the latest values are shown. */
async function chartsDrawn(page: Page, count: number) {
  await page.waitForFunction(
    `document.querySelectorAll('[data-testid^="chart-"][data-points]:not([data-points="0"]) canvas').length >= ${count} && document.querySelectorAll('[data-testid^="latest-"] .value').length >= ${count}`,
    undefined,
    { timeout: 60_000, polling: 'raf' },
  );
}

/** Switches to the 7-day range and records the longest frame until every chart holds the week. */
async function longestFrameCharting(page: Page): Promise<{ frame: number; points: number; what: string }> {
  await page.evaluate(`(() => {
    window.__frames = { last: performance.now(), max: 0, loaf: 0, running: true };
    const tick = (t) => { const f = window.__frames; if (!f.running) return; f.max = Math.max(f.max, t - f.last); f.last = t; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.duration > window.__frames.loaf) { window.__frames.loaf = e.duration; window.__frames.what = (e.scripts || []).map((x) => Math.round(x.duration) + ' ms ' + (x.invoker || '') + ' ' + (x.sourceFunctionName || '')).join('; '); } })
        .observe({ type: 'long-animation-frame', buffered: false });
    } catch {}
  })()`);
  await page.getByLabel('Range').selectOption('7d');
  await page.waitForFunction(
    `[...document.querySelectorAll('[data-testid^="chart-"]')].filter((c) => Number(c.getAttribute('data-points')) >= 1000).length >= 10`,
    undefined,
    { timeout: 60_000, polling: 200 },
  );
  // Two more frames so the last setData is painted.
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
  const result = (await page.evaluate(
    `(() => { const f = window.__frames; f.running = false; return { max: f.max, loaf: f.loaf, what: f.what || '', points: [...document.querySelectorAll('[data-testid^="chart-"]')].reduce((s, c) => s + Number(c.getAttribute('data-points')), 0) }; })()`,
  )) as { max: number; loaf: number; what: string; points: number };
  return { frame: Math.max(result.max, result.loaf), points: result.points, what: result.what };
}
