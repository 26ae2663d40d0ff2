import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import {
  adminToken as signInAdmin,
  connectDevice,
  createDevice,
  gql,
  latestReadings,
  linearSensor,
  publishReadings,
  signedInAccount,
  startTestLocal,
  tempDir,
} from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';

// LOCAL_TELEMETRY=dynamodb: what a new AWS account deploys (--context telemetry=dynamodb), run on
// dynalite. Readings go in over MQTT, are calibrated and stored, and come back through latestReadings,
// readings (raw and rollup buckets) and exportReadings, whose link the local server serves.
let local: LocalMode;
let adminToken: string;
let userToken: string;
let station: MqttClient;
const data = tempDir('yvr-telemetry-dynamodb-');
const HOUR = 3_600_000;
const BASE = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
const EXPORT = `query E($deviceId: ID!, $from: AWSDateTime!, $to: AWSDateTime!, $sensors: [String!], $format: ExportFormat) {
  exportReadings(deviceId: $deviceId, from: $from, to: $to, sensors: $sensors, format: $format) { url expiresAt rows format } }`;

beforeAll(async () => {
  local = await startTestLocal({ telemetry: 'dynamodb', dataDir: data.dir });
  adminToken = await signInAdmin(local.outputs);
  ({ idToken: userToken } = await signedInAccount(local, 'viewer@example.com', 'Viewer123!', 'user'));
  await createDevice(local.outputs, adminToken, {
    id: 'dyn-1',
    name: 'DynamoDB station',
    sensorIntervalMs: 600_000,
    sensors: [
      linearSensor('ph', 'ph', 1000, 14, { unit: 'pH', min: 6, max: 9 }),
      linearSensor('tmp', 'tmp', 10, 1, { unit: 'C, water' }),
    ],
  });
  station = await connectDevice(local.outputs, { clientId: 'dyn-1' });
  // Two hours of ten-minute messages.
  await publishReadings(
    station,
    'dyn-1',
    Array.from({ length: 12 }, (_, i) => ({
      ts: BASE + i * 600_000,
      seq: i,
      readings: { ph: 400 + i * 10, tmp: 100 + i },
    })),
  );
});

afterAll(async () => {
  await station?.endAsync(true);
  await local?.stop();
  data.remove();
});

const latest = () =>
  latestReadings<{ sensor: string; value: number; time: string; configVersion: number }>(
    local.outputs,
    adminToken,
    'dyn-1',
    'sensor value raw unit time configVersion',
  );

describe('local mode with LOCAL_TELEMETRY=dynamodb', () => {
  it('names the store in outputs.json', () => {
    expect(local.outputs.TelemetryStoreKind).toBe('dynamodb');
    const written = JSON.parse(readFileSync(join(data.dir, 'outputs.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(written).toMatchObject({ TelemetryStoreKind: 'dynamodb', TelemetryStore: 'yvr-local-telemetry' });
  });

  it('calibrates and stores readings and serves the newest of each sensor', async () => {
    const newest = new Date(BASE + 11 * 600_000).toISOString();
    const readings = await waitFor(
      async () => {
        const found = await latest();
        return found.length >= 2 && found[0]?.time === newest && found;
      },
      { describe: () => `both sensors of dyn-1 at ${newest}` },
    );
    expect(readings).toMatchObject([
      { sensor: 'ph', value: 7.14, configVersion: 1 },
      { sensor: 'tmp', value: 11.1, configVersion: 1 },
    ]);
  });

  it('serves raw points and hour buckets from the rollups', async () => {
    const query = `query R($from: AWSDateTime!, $to: AWSDateTime!, $interval: String) {
      readings(deviceId: "dyn-1", sensor: "ph", from: $from, to: $to, interval: $interval) { items { time value avg min max count } nextToken } }`;
    const range = { from: new Date(BASE).toISOString(), to: new Date(BASE + 2 * HOUR).toISOString() };
    const raw = await gql<{ readings: { items: { value: number }[] } }>(
      local.outputs,
      adminToken,
      query,
      range,
    );
    expect(raw.data?.readings.items.map((p) => p.value)).toHaveLength(12);
    const hours = await gql<{ readings: { items: unknown[] } }>(local.outputs, userToken, query, {
      ...range,
      interval: '1h',
    });
    expect(hours.data?.readings.items).toMatchObject([
      { time: new Date(BASE).toISOString(), count: 6, min: 5.6, max: 6.3 },
      { time: new Date(BASE + HOUR).toISOString(), count: 6, min: 6.44, max: 7.14 },
    ]);
  });

  it('exports the readings as CSV behind a signed link that a user can fetch', async () => {
    const answer = await gql<{
      exportReadings: { url: string; expiresAt: string; rows: number; format: string };
    }>(local.outputs, userToken, EXPORT, {
      deviceId: 'dyn-1',
      from: new Date(BASE).toISOString(),
      to: new Date(BASE + HOUR).toISOString(),
    });
    expect(answer.errors).toBeUndefined();
    const result = answer.data!.exportReadings;
    expect(result).toMatchObject({ rows: 12, format: 'CSV' });
    expect(Date.parse(result.expiresAt)).toBeGreaterThan(Date.now());
    const response = await fetch(result.url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('time,deviceId,sensor,value,unit,raw,outOfRange,configVersion,qcFlag');
    expect(lines).toHaveLength(13);
    // The last column is each reading's QARTOD flag as quality control set it: ph passed (1); tmp's
    // unit is no temperature unit the defaults know, so with no thresholds set it was not evaluated (2).
    expect(lines[1]).toBe(`${new Date(BASE).toISOString()},dyn-1,ph,5.6,pH,400,true,1,1`);
    expect(lines[2]).toBe(`${new Date(BASE).toISOString()},dyn-1,tmp,10,"C, water",100,false,1,2`);
  });

  it('refuses a link whose signature or expiry was changed', async () => {
    const answer = await gql<{ exportReadings: { url: string } }>(local.outputs, adminToken, EXPORT, {
      deviceId: 'dyn-1',
      sensors: ['ph'],
      format: 'NDJSON',
      from: new Date(BASE).toISOString(),
      to: new Date(BASE + 2 * HOUR).toISOString(),
    });
    const url = new URL(answer.data!.exportReadings.url);
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    const first = JSON.parse((await ok.text()).split('\n')[0]!) as Record<string, unknown>;
    expect(first).toMatchObject({
      deviceId: 'dyn-1',
      sensor: 'ph',
      value: 5.6,
      unit: 'pH',
      qcFlag: 1,
      qcTests: [],
    });
    const later = new URL(url);
    later.searchParams.set('expires', String(Number(url.searchParams.get('expires')) + 3600));
    expect((await fetch(later)).status).toBe(403);
    const forged = new URL(url);
    forged.searchParams.set('signature', '0'.repeat(64));
    expect((await fetch(forged)).status).toBe(403);
    const other = new URL(url);
    other.pathname = other.pathname.replace(/dyn-1/, 'dyn-2');
    expect((await fetch(other)).status).toBe(403);
  });

  it('answers a clear ValidationError for a bad range and NotFound for an unknown device', async () => {
    const reversed = await gql(local.outputs, adminToken, EXPORT, {
      deviceId: 'dyn-1',
      from: new Date(BASE + HOUR).toISOString(),
      to: new Date(BASE).toISOString(),
    });
    expect(reversed.errors).toMatchObject([
      { errorType: 'ValidationError', message: expect.stringContaining('from') },
    ]);
    const ghost = await gql(local.outputs, adminToken, EXPORT, {
      deviceId: 'ghost',
      from: new Date(BASE).toISOString(),
      to: new Date(BASE + HOUR).toISOString(),
    });
    expect(ghost.errors).toMatchObject([{ errorType: 'NotFound' }]);
  });

  it('keeps readings and export links across a restart of the same data dir', async () => {
    const answer = await gql<{ exportReadings: { url: string } }>(local.outputs, adminToken, EXPORT, {
      deviceId: 'dyn-1',
      sensors: ['tmp'],
      from: new Date(BASE).toISOString(),
      to: new Date(BASE + 2 * HOUR).toISOString(),
    });
    const url = answer.data!.exportReadings.url;
    await station.endAsync(true);
    await local.stop();
    local = await startTestLocal({ telemetry: 'dynamodb', dataDir: data.dir });
    adminToken = await signInAdmin(local.outputs);
    expect((await latest()).map((r) => r.value)).toEqual([7.14, 11.1]);
    // The link names the old port; the path and signature are what the new server checks.
    const moved = new URL(url);
    moved.port = new URL(local.outputs.GraphQLUrl).port;
    const response = await fetch(moved);
    expect(response.status).toBe(200);
    expect((await response.text()).split('\r\n').filter(Boolean)).toHaveLength(13);
  });
});
