import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LOCAL_DEFAULTS } from '../config';
import type { LocalOutputs } from '../start-local';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { startSimulator } = await import('./simulator');

// `npm run simulate -- --devices 5 --interval 2s`: simulated stations against the running local mode.
const { values } = parseArgs({
  options: {
    devices: { type: 'string', default: '5' },
    interval: { type: 'string', default: '5s' },
    legacy: { type: 'string' },
    excursion: { type: 'string' },
    'spike-every': { type: 'string' },
    'out-of-span-every': { type: 'string' },
    outputs: {
      type: 'string',
      default: resolve(process.env.LOCAL_DATA_DIR || LOCAL_DEFAULTS.dataDir, 'outputs.json'),
    },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Usage: npm run simulate -- [--devices 5] [--interval 2s] [--legacy 1] [--excursion ph:9.6:5] [--spike-every N] [--out-of-span-every N] [--outputs .local/outputs.json]
Signs in as LOCAL_ADMIN_EMAIL / LOCAL_ADMIN_PASSWORD, creates sim-1..sim-N if missing and runs them over MQTT.
The last --legacy devices (default 1) use the legacy firmware topics.
--excursion sensor:value:readings makes sim-1 report that calibrated value for that many readings, after its
third reading (ph:9.6:5 leaves pH's 6.5..8.5 for five readings: one alert opens, then closes; see docs/ALERTS.md).
--spike-every N / --out-of-span-every N: every N-th message of each station carries a spike /
a raw count past full scale on one sensor, for the quality flags (docs/QUALITY.md) to catch.`);
  process.exit(0);
}

try {
  const devices = Number(values.devices);
  if (!Number.isInteger(devices) || devices < 1 || devices > 1000)
    throw new Error(`--devices ${values.devices}: use a whole number from 1 to 1000`);
  const intervalMs = parseDuration(values.interval);
  let outputs: LocalOutputs;
  try {
    outputs = JSON.parse(readFileSync(values.outputs, 'utf8')) as LocalOutputs;
  } catch {
    throw new Error(
      `Cannot read ${values.outputs}: start the local mode first (npm start), or pass --outputs <file>.`,
    );
  }
  const simulator = await startSimulator({
    outputs,
    devices,
    intervalMs,
    email: process.env.LOCAL_ADMIN_EMAIL || LOCAL_DEFAULTS.adminEmail,
    password: process.env.LOCAL_ADMIN_PASSWORD || LOCAL_DEFAULTS.adminPassword,
    ...(values.legacy !== undefined ? { legacyDevices: Number(values.legacy) } : {}),
    devicePassword: process.env.LOCAL_DEVICE_PASSWORD || undefined,
    ...(values['spike-every'] !== undefined
      ? { spikeEvery: everyOf('--spike-every', values['spike-every']) }
      : {}),
    ...(values['out-of-span-every'] !== undefined
      ? { outOfSpanEvery: everyOf('--out-of-span-every', values['out-of-span-every']) }
      : {}),
    onLog: (line) => console.log(`\r\x1b[K${line}`),
  });
  console.log(
    `Running ${devices} stations every ${values.interval} against ${outputs.MqttUrl}. Ctrl-C stops.`,
  );
  if (values.excursion) {
    const [sensor, value, readings] = values.excursion.split(':');
    const actual = Number(value);
    const count = Number(readings ?? '5');
    if (!sensor || !Number.isFinite(actual) || !Number.isInteger(count) || count < 1)
      throw new Error(`--excursion ${values.excursion}: use sensor:value:readings, e.g. ph:9.6:5`);
    setTimeout(() => {
      simulator.excursion('sim-1', sensor, actual, count);
      console.log(`\r\x1b[Ksim-1: ${sensor} reports ${actual} for the next ${count} readings`);
    }, intervalMs * 3);
  }

  const started = Date.now();
  let lastSent = 0;
  let lastAt = started;
  const progress = setInterval(
    () => {
      const s = simulator.stats();
      const now = Date.now();
      const rate = ((s.sent - lastSent) * 1000) / Math.max(1, now - lastAt);
      lastSent = s.sent;
      lastAt = now;
      const line = `stations ${s.stations} | messages sent ${s.sent} | acks ${s.acks} | ${rate.toFixed(1)} msg/s | ${Math.round((now - started) / 1000)} s`;
      // One live line on a terminal; a line every tick when piped.
      if (process.stdout.isTTY) process.stdout.write(`\r\x1b[K${line}`);
      else console.log(line);
    },
    process.stdout.isTTY ? 500 : 5_000,
  );

  const stop = async () => {
    clearInterval(progress);
    await simulator.stop();
    const s = simulator.stats();
    console.log(`\nStopped: ${s.sent} messages sent, ${s.acks} config acks.`);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
} catch (err) {
  console.error(`\nCannot simulate: ${(err as Error).message}`);
  process.exit(1);
}

/** "2s", "500ms", "1m" or a number of ms. */
function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new Error(`--interval ${text}: use a duration like 2s, 500ms or 1m`);
  const value = Number(m[1]) * (m[2] === 'm' ? 60_000 : m[2] === 'ms' ? 1 : m[2] === 's' ? 1_000 : 1);
  if (value < 1_000)
    throw new Error(`--interval ${text}: devices report at most once a second (sensorIntervalMs >= 1000)`);
  return Math.round(value);
}

function everyOf(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 2)
    throw new Error(`${flag} ${text}: use a whole number of messages, 2 or more`);
  return n;
}
