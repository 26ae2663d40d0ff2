import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalMode } from '../../local/start-local';
import type { Simulator } from '../../local/simulator/simulator';
import { adminToken, gql, startTestLocal, startTestSimulator } from '../../testkit/local-mode';
import { waitFor } from '../../testkit/wait-for';

let local: LocalMode;
let simulator: Simulator | undefined;
let token: string;
const started = Date.now() - 60_000;

interface Point {
  time: string;
  value: number;
  raw: number;
  qcFlag: number;
  qcTests: string[];
}

beforeAll(async () => {
  local = await startTestLocal();
  token = await adminToken(local.outputs);
});
afterAll(async () => {
  await simulator?.stop();
  await local?.stop();
});

async function points(sensor: string): Promise<Point[]> {
  const r = await gql<{ readings: { items: Point[] } }>(
    local.outputs,
    token,
    'query R($s: String!, $from: AWSDateTime!, $to: AWSDateTime!) { readings(deviceId: "sim-1", sensor: $s, from: $from, to: $to, limit: 1000) { items { time value raw qcFlag qcTests } } }',
    { s: sensor, from: new Date(started).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
  );
  expect(r.errors).toBeUndefined();
  return r.data?.readings.items ?? [];
}

/** Waits (up to 60 s: the simulator reports once a second) for `probe` to find something. */
const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
  waitFor(probe, { timeoutMs: 60_000, everyMs: 200, describe: () => what });

describe('quality flags in the local mode', () => {
  it('flags a simulated spike and out-of-span value, and a recalibration changes stored values while raw stays', async () => {
    simulator = await startTestSimulator(local.outputs, {
      devices: 1,
      legacyDevices: 0,
      randomSpikes: false,
    });
    await until('three pH readings', async () => (await points('ph')).length >= 3);
    simulator.inject('sim-1', 'ph', 'spike');
    simulator.inject('sim-1', 'tmp', 'out-of-span');

    // The spike's verdict is written when the next reading arrives: a new version of its record.
    const spike = await until('a pH spike flagged by the spike test', async () =>
      (await points('ph')).find((p) => p.qcTests.includes('spike') && p.value > 9.5 && p.qcFlag >= 3),
    );
    expect([3, 4]).toContain(spike.qcFlag);
    const outOfSpan = await until('a temperature outside the instrument span', async () =>
      (await points('tmp')).find((p) => p.qcTests.includes('gross_range')),
    );
    expect(outOfSpan.qcFlag).toBe(4);
    expect(outOfSpan.value).toBeGreaterThan(50);
    await simulator.stop();
    simulator = undefined;

    // Halve the pH calibration (a new config version), then recalibrate the history with it.
    const device = await gql<{ device: { sensors: Record<string, unknown>[] } }>(
      local.outputs,
      token,
      '{ device(id: "sim-1") { sensors { id measurement unit enabled min max alertsEnabled decimals calibration { points { raw actual } } } } }',
    );
    const sensors = device.data!.device.sensors.map((s) =>
      s.id === 'ph'
        ? {
            ...s,
            calibration: {
              points: [
                { raw: 0, actual: 0 },
                { raw: 4095, actual: 7 },
              ],
            },
          }
        : s,
    );
    const updated = await gql<{ updateDevice: { configVersion: number } }>(
      local.outputs,
      token,
      'mutation U($input: UpdateDeviceInput!) { updateDevice(input: $input) { configVersion } }',
      { input: { id: 'sim-1', sensors } },
    );
    expect(updated.errors).toBeUndefined();
    const before = await points('ph');
    const run = await gql<{ recalibrateReadings: { changed: number; scanned: number; version: number } }>(
      local.outputs,
      token,
      'mutation R($from: AWSDateTime!, $to: AWSDateTime!) { recalibrateReadings(deviceId: "sim-1", sensorId: "ph", from: $from, to: $to) { changed scanned version } }',
      { from: new Date(started).toISOString(), to: new Date(Date.now() + 60_000).toISOString() },
    );
    expect(run.errors).toBeUndefined();
    expect(run.data?.recalibrateReadings.version).toBe(updated.data?.updateDevice.configVersion);
    expect(run.data?.recalibrateReadings.scanned).toBe(before.length);
    expect(run.data?.recalibrateReadings.changed).toBeGreaterThan(0);
    const after = await points('ph');
    expect(after.map((p) => [p.time, p.raw])).toEqual(before.map((p) => [p.time, p.raw]));
    for (const p of after) expect(p.value).toBeCloseTo(Math.round(((p.raw * 7) / 4095) * 100) / 100, 6);
    expect(after.map((p) => p.value)).not.toEqual(before.map((p) => p.value));

    const log = await gql<{ calibrationLog: { items: { kind: string; changed: number | null }[] } }>(
      local.outputs,
      token,
      '{ calibrationLog(deviceId: "sim-1", sensorId: "ph", limit: 5) { items { kind changed } } }',
    );
    expect(log.data?.calibrationLog.items.map((e) => e.kind)).toEqual([
      'RECALIBRATION',
      'CALIBRATION',
      'CALIBRATION',
    ]);
  });
});
